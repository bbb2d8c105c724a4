/** The real n8n the pacing and trigger suites run in: the end-to-end test's setup, on tmpfs where there is one. */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import type { N8nApi, OwnerAccount } from '../n8n/api';
import { installCommunityPackage, packPackage } from '../n8n/community-package';
import type { PackedPackage } from '../n8n/community-package';
import { ensureN8n } from '../n8n/install';
import type { N8nInstallation } from '../n8n/install';
import { ownerSession, PLAYGROUND_OWNER } from '../n8n/playground';
import { PORT_ENV, startN8n } from '../n8n/server';
import type { N8nServer } from '../n8n/server';
import { startSandbox } from '../sandbox/server';
import type { Sandbox } from '../sandbox/server';
import { seconds } from './format';

/**
 * n8n's user folder, and so its SQLite database, goes on tmpfs where there is one: every execution
 * record is a few committed writes, and the fsyncs of a disk shared with other work would add their
 * own noise to the trigger suite. Every side gets the same database.
 */
const MEMORY_FOLDER = '/dev/shm';
/** Preferred (unusual) port unless VELENTS_N8N_PORT names one; the next free one is taken when busy. */
const N8N_PORT = Number(process.env[PORT_ENV]) || 5841;

/** The real n8n the pacing and trigger suites run in: the end-to-end test's setup. */
export interface BenchN8n {
	installation: N8nInstallation;
	server: N8nServer;
	api: N8nApi;
	sandbox: Sandbox;
	owner: OwnerAccount;
}

/**
 * `n8nEnv`: extra environment for n8n, e.g. `N8N_EXPRESSION_ENGINE=legacy` for a second server;
 * `packed`: the package to install (default: this checkout's, packed now).
 */
export async function startBenchN8n(
	log: (line: string) => void,
	n8nEnv: Record<string, string> = {},
	packed?: PackedPackage,
): Promise<BenchN8n & { stop(): Promise<void> }> {
	const scratch = await mkdtemp(
		path.join(existsSync(MEMORY_FOLDER) ? MEMORY_FOLDER : os.tmpdir(), 'velents-bench-n8n-'),
	);
	let sandbox: Sandbox | null = null;
	let server: N8nServer | null = null;
	let stopped: Promise<void> | null = null;
	const stop = (): Promise<void> => {
		stopped ??= (async () => {
			await server?.stop().catch(() => undefined);
			await sandbox?.close().catch(() => undefined);
			await rm(scratch, { recursive: true, force: true }).catch(() => undefined);
		})();
		return stopped;
	};
	try {
		const installation = await ensureN8n({ log });
		sandbox = await startSandbox({
			port: 0,
			rateLimit: { limit: 30, windowSeconds: 60 },
			timeScale: 60,
		});
		const userFolder = path.join(scratch, 'user');
		await installCommunityPackage(
			userFolder,
			packed ?? (await packPackage(path.join(scratch, 'pack'))),
		);
		const started = Date.now();
		server = await startN8n({
			installation,
			userFolder,
			preferredPort: N8N_PORT,
			log,
			env: n8nEnv,
		});
		const settings = Object.entries(n8nEnv).map(([name, value]) => `${name}=${value}`);
		log(
			`n8n ${installation.n8nVersion} started on ${server.url} in ${seconds(Date.now() - started)}${settings.length ? ` (${settings.join(' ')})` : ''}`,
		);
		const api = await ownerSession(server, PLAYGROUND_OWNER);
		return { installation, server, api, sandbox, owner: PLAYGROUND_OWNER, stop };
	} catch (error) {
		await stop();
		throw error;
	}
}
