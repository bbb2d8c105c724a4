/**
 * A scratch Redis for n8n's queue mode: a loopback port, its data in a temporary folder (an
 * append-only file, so that an interruption keeps the queue as a production Redis with persistence
 * would), removed when stopped.
 */
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

import { findFreePort, sleep, spawnDaemon } from '../n8n/process';
import { aptInstall, onPath } from './debian';

export interface Redis {
	readonly port: number;
	/** Stops the server (SIGTERM: it writes its data), keeps it down `downMs`, starts it again with its data. */
	interrupt(downMs: number): Promise<void>;
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
	const dataDir = mkdtempSync(path.join(os.tmpdir(), 'velents-scale-redis-'));
	const launch = () =>
		spawnDaemon(
			binary,
			[
				'--port',
				String(port),
				'--bind',
				'127.0.0.1',
				'--dir',
				dataDir,
				'--save',
				'',
				'--appendonly',
				'yes',
				'--appendfsync',
				'no',
				'--protected-mode',
				'no',
			],
			{
				stopSignal: 'SIGTERM',
				graceMs: 10_000,
			},
		);
	let server = launch();
	const stop = async (): Promise<void> => {
		await server.stop();
		await rm(dataDir, { recursive: true, force: true });
	};
	const interrupt = async (downMs: number): Promise<void> => {
		await server.stop();
		await sleep(downMs);
		server = launch();
		await untilReady(port, stop);
	};
	await untilReady(port, stop);
	return { port, interrupt, stop };
}

async function untilReady(port: number, stop: () => Promise<void>): Promise<void> {
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
