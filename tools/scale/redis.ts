/** A scratch Redis for n8n's queue mode: a loopback port, nothing saved to disk. */
import net from 'node:net';

import { findFreePort, sleep, spawnDaemon } from '../n8n/process';
import { aptInstall, onPath } from './debian';

export interface Redis {
	readonly port: number;
	stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 30_000;

export async function startRedis(options: {
	log: (line: string) => void;
	port?: number;
}): Promise<Redis> {
	let binary = onPath('redis-server');
	if (!binary) {
		await aptInstall('redis-server', options.log);
		binary = onPath('redis-server') ?? '/usr/bin/redis-server';
	}
	const port = options.port ?? (await findFreePort(56379));
	const server = spawnDaemon(
		binary,
		[
			'--port',
			String(port),
			'--bind',
			'127.0.0.1',
			'--save',
			'',
			'--appendonly',
			'no',
			'--protected-mode',
			'no',
		],
		{
			stopSignal: 'SIGTERM',
			graceMs: 10_000,
		},
	);
	const stop = (): Promise<void> => server.stop();

	const deadline = Date.now() + READY_TIMEOUT_MS;
	while (!(await answersPing(port))) {
		if (Date.now() > deadline) {
			await stop();
			throw new Error(
				`Redis did not answer PING on port ${port} within ${READY_TIMEOUT_MS / 1000} s.`,
			);
		}
		await sleep(200);
	}
	return { port, stop };
}

function answersPing(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const socket = net.connect({ host: '127.0.0.1', port });
		const done = (answer: boolean): void => {
			socket.destroy();
			resolve(answer);
		};
		socket.setTimeout(2000, () => done(false));
		socket.once('error', () => done(false));
		socket.once('connect', () => socket.write('PING\r\n'));
		socket.once('data', (chunk: Buffer) => done(chunk.toString('utf8').startsWith('+PONG')));
	});
}
