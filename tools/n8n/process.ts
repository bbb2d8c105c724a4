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
