/**
 * The whole playground in one call: package built and packed, sandbox, n8n installed (cached) and
 * started with the package, owner, credentials, examples (example 2 active). Used by the dev mode
 * and the docs screenshot script.
 */
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';

import { startSandbox } from '../sandbox/server';
import type { Sandbox, SandboxInit } from '../sandbox/server';
import type { N8nApi } from './api';
import { buildPackage, installCommunityPackage, packPackage } from './community-package';
import type { PackedPackage } from './community-package';
import { ensureN8n } from './install';
import type { N8nInstallation } from './install';
import { importPlayground, ownerSession } from './playground';
import type { ImportedPlayground } from './playground';
import { startOnFreePort } from './process';
import { startN8n } from './server';
import type { N8nServer } from './server';

export interface StackOptions {
	/** Wiped, then used as n8n's user folder. */
	userFolder: string;
	/** Preferred ports; the next free one is taken when one is busy, also when it is taken at bind time. */
	port: number;
	sandboxPort: number;
	sandbox?: SandboxInit;
	/** Echo n8n's log. */
	verbose?: boolean;
	/** Skip `npm run build` (the caller built already). */
	skipBuild?: boolean;
	/** One line per finished step. */
	onStep?: (label: string, durationMs: number) => void;
	log?: (line: string) => void;
}

export interface Stack {
	installation: N8nInstallation;
	packed: PackedPackage;
	sandbox: Sandbox;
	n8n: N8nServer;
	api: N8nApi;
	playground: ImportedPlayground;
	/** Stops n8n and the sandbox (idempotent). */
	stop(): Promise<void>;
}

export async function startStack(options: StackOptions): Promise<Stack> {
	const onStep = options.onStep ?? (() => undefined);
	const log = options.log ?? ((line: string) => console.log(line));
	let sandbox: Sandbox | null = null;
	let n8n: N8nServer | null = null;
	let stopped: Promise<void> | null = null;
	const stop = (): Promise<void> => {
		stopped ??= (async () => {
			await n8n?.stop().catch(() => undefined);
			await sandbox?.close().catch(() => undefined);
		})();
		return stopped;
	};
	const timed = async <T>(label: (result: T) => string, work: () => Promise<T>): Promise<T> => {
		const started = Date.now();
		const result = await work();
		onStep(label(result), Date.now() - started);
		return result;
	};

	try {
		if (!options.skipBuild) await timed(() => 'package built (npm run build)', buildPackage);
		const installation = await timed(
			(installed) =>
				installed.installedNow
					? `n8n ${installed.n8nVersion} installed into ${installed.dir}`
					: `n8n ${installed.n8nVersion} found in the cache (${installed.dir})`,
			() => ensureN8n({ log }),
		);
		sandbox = await timed(
			(started) => `sandbox listening on ${started.url}`,
			() =>
				startOnFreePort(options.sandboxPort, (port) => startSandbox({ ...options.sandbox, port })),
		);
		const packed = await timed(
			(result) =>
				`${result.name}@${result.version} packed and installed into ${path.join(options.userFolder, '.n8n', 'nodes')}`,
			async () => {
				await rm(options.userFolder, { recursive: true, force: true });
				await mkdir(options.userFolder, { recursive: true });
				const result = await packPackage(path.join(options.userFolder, 'pack'));
				await installCommunityPackage(options.userFolder, result);
				return result;
			},
		);
		n8n = await timed(
			(server) => `n8n started on ${server.url}`,
			() =>
				startN8n({
					installation,
					userFolder: options.userFolder,
					preferredPort: options.port,
					echo: options.verbose === true,
					log,
				}),
		);
		const server = n8n;
		const sandboxUrl = sandbox.url;
		const { api, playground } = await timed(
			() => 'owner, credentials and example workflows set up; example 2 activated',
			async () => {
				const session = await ownerSession(server);
				return {
					api: session,
					playground: await importPlayground(session, { server, sandboxUrl }),
				};
			},
		);
		return { installation, packed, sandbox, n8n, api, playground, stop };
	} catch (error) {
		await stop();
		throw error;
	}
}
