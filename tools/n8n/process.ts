/** Small child-process helpers shared by the install, the server, the dev mode and the scale test. */
import { spawn } from 'node:child_process';
import type { SpawnOptions } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import net from 'node:net';

export interface RunOptions {
	cwd?: string;
	env?: NodeJS.ProcessEnv;
	/** Kill the command (and its children) after this many milliseconds. */
	timeoutMs: number;
	/** Append the command's output to this file instead of keeping it in memory. */
	logFile?: string;
	/** Echo the output to this process's stderr as well. */
	echo?: boolean;
}

export interface RunResult {
	stdout: string;
	stderr: string;
	durationMs: number;
}

export class CommandError extends Error {
	constructor(
		message: string,
		readonly stdout: string,
		readonly stderr: string,
	) {
		super(message);
		this.name = 'CommandError';
	}
}

const MAX_KEPT_OUTPUT = 256 * 1024;

/**
 * Runs a command to completion in its own process group, so that a timeout kills everything it
 * started. Rejects with the tail of its output when it fails.
 */
export function run(
	command: string,
	args: readonly string[],
	options: RunOptions,
): Promise<RunResult> {
	const started = Date.now();
	const spawnOptions: SpawnOptions = {
		cwd: options.cwd,
		env: options.env ?? process.env,
		stdio: ['ignore', 'pipe', 'pipe'],
		detached: process.platform !== 'win32',
	};
	return new Promise((resolve, reject) => {
		const child = spawn(command, [...args], spawnOptions);
		const log = options.logFile ? createWriteStream(options.logFile, { flags: 'a' }) : null;
		log?.write(`\n$ ${command} ${args.join(' ')}\n`);
		let stdout = '';
		let stderr = '';
		const keep = (kept: string, chunk: Buffer): string =>
			(kept + chunk.toString('utf8')).slice(-MAX_KEPT_OUTPUT);
		child.stdout?.on('data', (chunk: Buffer) => {
			stdout = keep(stdout, chunk);
			log?.write(chunk);
			if (options.echo) process.stderr.write(chunk);
		});
		child.stderr?.on('data', (chunk: Buffer) => {
			stderr = keep(stderr, chunk);
			log?.write(chunk);
			if (options.echo) process.stderr.write(chunk);
		});
		let timedOut = false;
		const timer = setTimeout(() => {
			timedOut = true;
			killTree(child.pid, 'SIGKILL');
		}, options.timeoutMs);
		const finish = (error: Error | null): void => {
			clearTimeout(timer);
			log?.end();
			if (error) reject(error);
			else resolve({ stdout, stderr, durationMs: Date.now() - started });
		};
		child.once('error', (error) => finish(error));
		child.once('close', (code, signal) => {
			if (code === 0) return finish(null);
			const why = timedOut
				? `timed out after ${Math.round(options.timeoutMs / 1000)} s`
				: `exited with ${code ?? signal}`;
			const tail = (stderr.trim() || stdout.trim()).split('\n').slice(-25).join('\n');
			finish(
				new CommandError(
					`\`${command} ${args.join(' ')}\` ${why}${tail ? `:\n${tail}` : ''}`,
					stdout,
					stderr,
				),
			);
		});
	});
}

/** Sends a signal to a process group started with `detached: true` (or to the process alone). */
export function killTree(pid: number | undefined, signal: NodeJS.Signals): void {
	if (pid === undefined) return;
	try {
		process.kill(process.platform === 'win32' ? pid : -pid, signal);
	} catch {
		try {
			process.kill(pid, signal);
		} catch {
			// Already gone.
		}
	}
}

/** Whether a TCP port can be bound on the loopback interface right now. */
export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
	return new Promise((resolve) => {
		const server = net.createServer();
		server.unref();
		server.once('error', () => resolve(false));
		server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
	});
}

/** The first free port at or after `from` (skipping `exclude`). */
export async function findFreePort(from: number, exclude: readonly number[] = []): Promise<number> {
	for (let port = from; port < from + 200; port++) {
		if (exclude.includes(port)) continue;
		if (await isPortFree(port)) return port;
	}
	throw new Error(`No free port between ${from} and ${from + 199}.`);
}

/** A server could not bind its port because something else holds it (EADDRINUSE). */
export class PortInUseError extends Error {
	readonly code = 'EADDRINUSE';

	constructor(
		readonly port: number,
		message = `Port ${port} is already in use.`,
	) {
		super(message);
		this.name = 'PortInUseError';
	}
}

function portInUse(error: unknown): boolean {
	// By its code, not its class: errors from another realm (a test runner's) fail instanceof.
	return (
		typeof error === 'object' && error !== null && 'code' in error && error.code === 'EADDRINUSE'
	);
}

/**
 * Starts a server on the first free port from `preferred`, and when the port is taken between that
 * check and the server's own bind (another program was faster), starts it again on the next free
 * one: a free port is only known for sure at bind time. `onTaken` hears of each port lost that way.
 * Other failures, and the last attempt's, are thrown as they are.
 */
export async function startOnFreePort<T>(
	preferred: number,
	start: (port: number) => Promise<T>,
	options: {
		exclude?: readonly number[];
		attempts?: number;
		onTaken?: (port: number) => void;
	} = {},
): Promise<T> {
	const taken = [...(options.exclude ?? [])];
	const attempts = options.attempts ?? 5;
	let from = preferred;
	for (let attempt = 1; ; attempt++) {
		const port = await findFreePort(from, taken);
		try {
			return await start(port);
		} catch (error) {
			if (!portInUse(error) || attempt >= attempts) throw error;
			// A server may bind more than one port (n8n: its task broker's too): the error says which.
			const lost = error instanceof PortInUseError ? error.port : port;
			options.onTaken?.(lost);
			taken.push(port, lost);
			from = port + 1;
		}
	}
}

export function seconds(ms: number): string {
	return `${(ms / 1000).toFixed(1)} s`;
}

export function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Starts a server in its own process group and returns how to stop it: `stopSignal` first (its own
 * clean shutdown), SIGKILL to the group after `graceMs`. Killed too if this process exits first.
 */
export function spawnDaemon(
	command: string,
	args: readonly string[],
	options: { stopSignal: NodeJS.Signals; graceMs: number },
): { stop(): Promise<void> } {
	const server = spawn(command, [...args], {
		stdio: 'ignore',
		detached: process.platform !== 'win32',
	});
	const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
	const safetyNet = (): void => killTree(server.pid, 'SIGKILL');
	process.once('exit', safetyNet);
	return {
		async stop(): Promise<void> {
			killTree(server.pid, options.stopSignal);
			await Promise.race([exited, sleep(options.graceMs)]);
			killTree(server.pid, 'SIGKILL');
			process.off('exit', safetyNet);
		},
	};
}
