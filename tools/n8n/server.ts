/**
 * Starts and stops a real n8n from the cache install, with a scratch user folder, on loopback only,
 * and waits until it is usable: the main process (`n8n start`) until its REST API answers (not only
 * `/healthz`: migrations go on after that); a queue-mode webhook processor (`n8n webhook`) or worker
 * (`n8n worker`, with its health server on) until `/healthz/readiness` says its database and Redis
 * are connected.
 *
 * n8n runs under a tiny supervisor (Node.js, in its own process group) that stops n8n when told
 * to, or when this process dies without telling it (its stdin closes): no n8n is ever left behind.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import type { WriteStream } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';

import { cleanNpmEnv } from './install';
import type { N8nInstallation } from './install';
import { findFreePort, killTree, PortInUseError, seconds, sleep, startOnFreePort } from './process';
import { n8nProfile } from './profile';

/** Which n8n process: the main one, or (queue mode) a webhook processor or a worker. */
export type N8nRole = 'main' | 'webhook' | 'worker';

const ROLE_COMMANDS: Record<N8nRole, string> = {
	main: 'start',
	webhook: 'webhook',
	worker: 'worker',
};

export interface StartN8nOptions {
	installation: N8nInstallation;
	/** Default `main`. */
	role?: N8nRole;
	/** More arguments for n8n's command (`--concurrency=10` for a worker). */
	args?: readonly string[];
	/** `N8N_USER_FOLDER`: n8n keeps its database, key and community packages in `<it>/.n8n`. */
	userFolder: string;
	/**
	 * Exactly this port for the process's HTTP (a worker: its health server); it fails if taken.
	 * Without it, n8n gets the first free port from `preferredPort`, and when another program takes
	 * that port (or the broker's) while n8n starts, n8n is started again on the next free one.
	 */
	port?: number;
	/** Where the search for a free port starts; default `$VELENTS_N8N_PORT`, else 5690. */
	preferredPort?: number;
	/** The task runners' broker port; default the next free port after n8n's. */
	brokerPort?: number;
	/** More environment for n8n (wins over the defaults below). */
	env?: NodeJS.ProcessEnv;
	/** Where n8n's output goes; default `<userFolder>/n8n.log`. */
	logFile?: string;
	/** Echo n8n's output lines to this process's stdout too. */
	echo?: boolean;
	/** How long to wait for the REST API; default 240 s. */
	readyTimeoutMs?: number;
	log?: (line: string) => void;
}

export interface N8nServer {
	/** `http://127.0.0.1:<port>`, without a trailing slash. */
	readonly url: string;
	/** What n8n builds production webhook URLs from (`N8N_WEBHOOK_URL`), with a trailing slash. */
	readonly webhookBaseUrl: string;
	readonly port: number;
	/** The supervisor's process id; n8n is its only child. */
	readonly pid: number | undefined;
	readonly role: N8nRole;
	/** n8n's major version (from the installation): what the REST client adapts to. */
	readonly major: N8nInstallation['major'];
	readonly userFolder: string;
	readonly logFile: string;
	/** Milliseconds from spawn to a usable REST API. */
	readonly startMs: number;
	/** Resolves when n8n has exited (for any reason). */
	readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
	/** The last lines of n8n's log. */
	logTail(lines?: number): Promise<string>;
	/**
	 * Stops n8n and everything it started: one SIGTERM, which n8n answers with its graceful shutdown
	 * (a worker finishes its running executions, up to `N8N_GRACEFUL_SHUTDOWN_TIMEOUT`), then by force.
	 * Idempotent.
	 */
	stop(): Promise<void>;
	/** Kills n8n and everything it started at once (SIGKILL to its process group): a crash. */
	kill(): Promise<void>;
}

/**
 * The settings the package needs from n8n 2.41 (and 1.123: what only one major knows comes from
 * its profile, profile.ts), and why (also in the README):
 * - community packages are on and unverified ones allowed (this one is not on n8n's verified list);
 * - SSRF protection ON (2.x; 1.x has none), with only 127.0.0.1 allowed: the nodes call the sandbox
 *   on loopback, which n8n's default blocked ranges include; this proves the nodes work in a hardened n8n too;
 * - `N8N_WEBHOOK_URL`: the base of the trigger's Production URL, which the sandbox posts events to;
 * - loopback only, no telemetry, no version checks, no templates, no catalogue of verified community
 *   nodes (no network beyond the sandbox).
 */
export function n8nEnvironment(options: {
	installation: N8nInstallation;
	userFolder: string;
	port: number;
	brokerPort: number;
	role?: N8nRole;
	extra?: NodeJS.ProcessEnv;
}): NodeJS.ProcessEnv {
	const { installation, userFolder, port, brokerPort } = options;
	// A worker serves no editor: its HTTP port is the health server's (off unless asked for).
	const workerHealth: NodeJS.ProcessEnv =
		options.role === 'worker'
			? {
					QUEUE_HEALTH_CHECK_ACTIVE: 'true',
					QUEUE_HEALTH_CHECK_PORT: String(port),
					N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
				}
			: {};
	const base = `http://127.0.0.1:${port}/`;
	return {
		...cleanNpmEnv(),
		PATH: `${path.dirname(installation.nodeBinary)}${path.delimiter}${process.env.PATH ?? ''}`,
		// Jest sets NODE_ENV=test, which makes n8n refuse to load nodes ("Not available in tests").
		NODE_ENV: 'production',
		N8N_USER_FOLDER: userFolder,
		N8N_PORT: String(port),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_PROTOCOL: 'http',
		N8N_EDITOR_BASE_URL: base,
		N8N_WEBHOOK_URL: base,
		N8N_SECURE_COOKIE: 'false',
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
		N8N_ENCRYPTION_KEY: 'n8n-nodes-velents-scratch-instance-not-a-secret',
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
		// The catalogue of verified community nodes, fetched from n8n's servers at start and every few
		// minutes: nothing here uses it, and offline every fetch logs a stack trace (getaddrinfo ENOTFOUND).
		N8N_VERIFIED_PACKAGES_ENABLED: 'false',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '10',
		EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all',
		EXECUTIONS_DATA_SAVE_ON_ERROR: 'all',
		EXECUTIONS_DATA_SAVE_MANUAL_EXECUTIONS: 'true',
		DB_TYPE: 'sqlite',
		N8N_LOG_LEVEL: 'info',
		N8N_LOG_OUTPUT: 'console',
		...n8nProfile(installation.major).environment,
		...workerHealth,
		...options.extra,
	};
}

/**
 * Stops n8n when told (SIGTERM/SIGINT/SIGHUP) or when its parent is gone (stdin closed); kills what
 * is left 5 s after n8n's own graceful shutdown timeout.
 */
const SUPERVISOR = `
const { spawn } = require('node:child_process');
const child = spawn(process.execPath, process.argv.slice(1), { stdio: ['ignore', 'inherit', 'inherit'] });
let stopping = false;
const killGroup = () => { try { process.kill(-process.pid, 'SIGKILL'); } catch { process.exit(1); } };
const stop = () => {
	if (stopping) return;
	stopping = true;
	child.kill('SIGTERM');
	setTimeout(killGroup, (Number(process.env.N8N_GRACEFUL_SHUTDOWN_TIMEOUT) || 10) * 1000 + 5000).unref();
};
process.stdin.on('data', () => {});
process.stdin.on('end', stop);
process.stdin.on('error', stop);
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(signal, stop);
child.on('exit', (code, signal) => {
	if (stopping) return killGroup();
	process.exit(code === null ? 1 : code);
});
`;

const DEFAULT_READY_TIMEOUT_MS = 240_000;
/** Where the search for a free port starts when the caller names none (the compatibility run sets it). */
export const PORT_ENV = 'VELENTS_N8N_PORT';
const DEFAULT_PORT = 5690;
/** Enough of n8n's start-up output to find why it stopped. */
const MAX_START_OUTPUT = 1024 * 1024;
/** How long a stop may take beyond n8n's graceful shutdown timeout. */
const STOP_MARGIN_MS = 15_000;

/** What n8n 2.41 logs before it exits when its port, or its task broker's, is taken. */
const PORT_IN_USE = /port (\d+) is already in use/;

/** The port n8n's output says it could not bind, if it says so. */
export function portInUseIn(output: string): number | undefined {
	const match = PORT_IN_USE.exec(output);
	return match ? Number(match[1]) : undefined;
}

export async function startN8n(options: StartN8nOptions): Promise<N8nServer> {
	const log = options.log ?? ((line: string) => console.log(line));
	const launchOn = async (port: number): Promise<N8nServer> => {
		const brokerPort = options.brokerPort ?? (await findFreePort(port + 1, [port]));
		log(`Starting n8n on port ${port} (task broker: ${brokerPort})…`);
		return await launch(options, port, brokerPort, log);
	};
	if (options.port !== undefined) return await launchOn(options.port);
	return await startOnFreePort(
		options.preferredPort ?? (Number(process.env[PORT_ENV]) || DEFAULT_PORT),
		launchOn,
		{
			onTaken: (port) =>
				log(
					`Port ${port} was taken by another program while n8n started; trying the next free port.`,
				),
		},
	);
}

async function launch(
	options: StartN8nOptions,
	port: number,
	brokerPort: number,
	log: (line: string) => void,
): Promise<N8nServer> {
	const url = `http://127.0.0.1:${port}`;
	const logFile = options.logFile ?? path.join(options.userFolder, 'n8n.log');
	await mkdir(options.userFolder, { recursive: true });
	await mkdir(path.dirname(logFile), { recursive: true });

	const role = options.role ?? 'main';
	const env = n8nEnvironment({
		installation: options.installation,
		userFolder: options.userFolder,
		port,
		brokerPort,
		role,
		extra: options.env,
	});
	const stopTimeoutMs = (Number(env.N8N_GRACEFUL_SHUTDOWN_TIMEOUT) || 10) * 1000 + STOP_MARGIN_MS;
	const started = Date.now();
	const command = [options.installation.n8nBin, ROLE_COMMANDS[role], ...(options.args ?? [])];
	const child: ChildProcess = spawn(
		options.installation.nodeBinary,
		['-e', SUPERVISOR, ...command],
		{
			cwd: options.userFolder,
			env,
			stdio: ['pipe', 'pipe', 'pipe'],
			detached: process.platform !== 'win32',
		},
	);
	const output: WriteStream = createWriteStream(logFile, { flags: 'a' });
	// What this start printed, for the reason it may fail (the log file holds earlier starts too).
	let startOutput = '';
	const forward = (chunk: Buffer): void => {
		output.write(chunk);
		if (startOutput.length < MAX_START_OUTPUT) startOutput += chunk.toString('utf8');
		if (options.echo) process.stdout.write(chunk);
	};
	child.stdout?.on('data', forward);
	child.stderr?.on('data', forward);
	// Never ended by us until stop(): when this process dies, the pipe closes and n8n is stopped.
	child.stdin?.on('error', () => undefined);

	const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
		child.once('exit', (code, signal) => resolve({ code, signal }));
		child.once('error', () => resolve({ code: null, signal: null }));
	});
	let stopped: Promise<void> | null = null;
	const safetyNet = (): void => killTree(child.pid, 'SIGKILL');
	process.once('exit', safetyNet);

	const logTail = async (lines = 40): Promise<string> => {
		try {
			return (await readFile(logFile, 'utf8')).split('\n').slice(-lines).join('\n');
		} catch {
			return '';
		}
	};
	/** Kills whatever is left in its process group (task runners too) and closes the log. */
	const release = async (): Promise<void> => {
		killTree(child.pid, 'SIGKILL');
		await exited;
		process.off('exit', safetyNet);
		await new Promise<void>((resolve) => output.end(() => resolve()));
	};
	const stop = (): Promise<void> => {
		stopped ??= (async () => {
			child.stdin?.end();
			if (child.exitCode === null && child.signalCode === null) {
				// The supervisor alone: n8n stops abruptly on a second SIGTERM, so it must get exactly one.
				child.kill('SIGTERM');
				let timer: NodeJS.Timeout | undefined;
				const timedOut = await Promise.race([
					exited.then(() => false),
					new Promise<boolean>((resolve) => {
						timer = setTimeout(() => resolve(true), stopTimeoutMs);
					}),
				]);
				clearTimeout(timer);
				if (timedOut) log(`n8n did not stop within ${seconds(stopTimeoutMs)}; killing it.`);
			}
			await release();
		})();
		return stopped;
	};
	const kill = (): Promise<void> => {
		stopped ??= (async () => {
			child.stdin?.end();
			await release();
		})();
		return stopped;
	};

	try {
		await waitUntilReady(url, role, exited, options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS);
	} catch (error) {
		await stop();
		const takenPort = portInUseIn(startOutput);
		if (takenPort !== undefined)
			throw new PortInUseError(
				takenPort,
				`n8n could not start: port ${takenPort} is already in use. Choose free ports (the dev mode: npm run dev -- --port <n>; the tests: ${PORT_ENV}=<n>).`,
			);
		const tail = await logTail();
		throw new Error(
			`${error instanceof Error ? error.message : String(error)}\n--- n8n log (${logFile}) ---\n${tail}`,
		);
	}

	return {
		url,
		webhookBaseUrl: `${url}/`,
		port,
		pid: child.pid,
		role,
		major: options.installation.major,
		userFolder: options.userFolder,
		logFile,
		startMs: Date.now() - started,
		exited,
		logTail,
		stop,
		kill,
	};
}

/**
 * `/healthz/readiness` answers 200 once the database is migrated and n8n is fully started (a worker:
 * its database and Redis connected); the main process must also serve its REST API.
 */
async function waitUntilReady(
	url: string,
	role: N8nRole,
	exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>,
	timeoutMs: number,
): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	let gone: { code: number | null; signal: NodeJS.Signals | null } | null = null;
	void exited.then((result) => {
		gone = result;
	});
	for (;;) {
		if (gone) {
			const { code, signal } = gone;
			throw new Error(`n8n exited before it was ready (${code ?? signal}).`);
		}
		if (Date.now() > deadline) throw new Error(`n8n was not ready after ${seconds(timeoutMs)}.`);
		if (
			(await status(`${url}/healthz/readiness`)) === 200 &&
			(role !== 'main' || (await status(`${url}/rest/settings`)) === 200)
		)
			return;
		await sleep(500);
	}
}

async function status(url: string): Promise<number | null> {
	try {
		const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
		await response.arrayBuffer();
		return response.status;
	} catch {
		return null;
	}
}
