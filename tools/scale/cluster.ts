/**
 * n8n in queue mode on one machine, as a scaled-out deployment runs it: a main process (editor, REST
 * API, activation; production webhooks off), one webhook processor (`n8n webhook`: receives every
 * production webhook and enqueues the executions), and workers (`n8n worker`: run them), sharing
 * PostgreSQL and Redis. Every process has its own user folder with the package installed in it, as
 * separate machines would; they share the encryption key, the database, Redis and the webhook URL.
 *
 * Settings beyond the single-process ones (server.ts), and why:
 * - `N8N_DISABLE_PRODUCTION_MAIN_PROCESS`: the main process takes no production webhooks, so every
 *   event goes through the webhook processor;
 * - `N8N_WEBHOOK_URL`: the webhook processor's address, so that the trigger's Production URL points at it;
 * - `N8N_GRACEFUL_SHUTDOWN_TIMEOUT=30`: a stopped worker has time to finish its running executions.
 */
import { cp, mkdir } from 'node:fs/promises';
import path from 'node:path';

import type { PackedPackage } from '../n8n/community-package';
import { communityNodesDir, installCommunityPackage } from '../n8n/community-package';
import type { N8nInstallation } from '../n8n/install';
import { findFreePort } from '../n8n/process';
import { startN8n } from '../n8n/server';
import type { N8nServer } from '../n8n/server';
import type { Postgres } from './postgres';
import type { Redis } from './redis';

export interface ClusterOptions {
	installation: N8nInstallation;
	packed: PackedPackage;
	/** Scratch folder for the processes' user folders and logs. */
	root: string;
	postgres: Postgres;
	redis: Redis;
	workers: number;
	/** Executions a worker runs at once (n8n's default: 10). */
	workerConcurrency: number;
	/** More environment for every process. */
	env?: NodeJS.ProcessEnv;
	/** Where the search for the processes' free ports starts; default 5790. */
	firstPort?: number;
	log: (line: string) => void;
}

export interface QueueCluster {
	readonly main: N8nServer;
	readonly webhook: N8nServer;
	/** The running workers, by name (`worker-1`, …). */
	readonly workers: Map<string, N8nServer>;
	/** Starts a worker under `name` (again, after a stop or a kill: same user folder). */
	startWorker(name: string): Promise<N8nServer>;
	/** Stops the webhook processor and starts it again on the same port with more environment. */
	restartWebhook(env: NodeJS.ProcessEnv): Promise<N8nServer>;
	/** Stops every process (workers first). */
	stop(): Promise<void>;
}

export const GRACEFUL_SHUTDOWN_SECONDS = 30;
/**
 * Where the search for the cluster's ports starts (8 of them: 4 processes and their task brokers),
 * unless `firstPort` says (the scale test passes `VELENTS_N8N_PORT`, so that runs on one machine at
 * the same time each keep to their own range: a free port is only reserved once n8n binds it).
 */
const DEFAULT_FIRST_PORT = 5790;

export async function startQueueCluster(options: ClusterOptions): Promise<QueueCluster> {
	const { installation, postgres, redis, root, log } = options;
	const mainPort = await findFreePort(options.firstPort ?? DEFAULT_FIRST_PORT);
	const webhookPort = await findFreePort(mainPort + 1);
	const webhookUrl = `http://127.0.0.1:${webhookPort}/`;
	const usedPorts = [mainPort, webhookPort];
	const freePort = async (): Promise<number> => {
		const port = await findFreePort(Math.max(...usedPorts) + 1, usedPorts);
		usedPorts.push(port);
		return port;
	};

	const shared: NodeJS.ProcessEnv = {
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: '127.0.0.1',
		QUEUE_BULL_REDIS_PORT: String(redis.port),
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: '127.0.0.1',
		DB_POSTGRESDB_PORT: String(postgres.port),
		DB_POSTGRESDB_DATABASE: postgres.database,
		DB_POSTGRESDB_USER: postgres.user,
		DB_POSTGRESDB_PASSWORD: '',
		N8N_WEBHOOK_URL: webhookUrl,
		N8N_GRACEFUL_SHUTDOWN_TIMEOUT: String(GRACEFUL_SHUTDOWN_SECONDS),
		...options.env,
	};

	// The package is installed once, then copied: each process gets its own community-nodes folder.
	const template = path.join(root, 'package-template');
	await installCommunityPackage(template, options.packed);
	const userFolder = async (name: string): Promise<string> => {
		const folder = path.join(root, name);
		await mkdir(folder, { recursive: true });
		await cp(communityNodesDir(template), communityNodesDir(folder), { recursive: true });
		return folder;
	};
	const start = async (
		name: string,
		role: 'main' | 'webhook' | 'worker',
		port: number,
		env: NodeJS.ProcessEnv = {},
	) =>
		await startN8n({
			installation,
			role,
			args: role === 'worker' ? [`--concurrency=${options.workerConcurrency}`] : [],
			userFolder: await userFolder(name),
			port,
			brokerPort: await freePort(),
			env: { ...shared, ...env },
			logFile: path.join(root, `${name}.log`),
			log,
		});

	let main: N8nServer | null = null;
	let webhook: N8nServer | null = null;
	const workers = new Map<string, N8nServer>();
	const workerPorts = new Map<string, number>();
	const stop = async (): Promise<void> => {
		await Promise.all([...workers.values()].map((worker) => worker.stop()));
		await Promise.all([webhook?.stop(), main?.stop()]);
	};
	const startWorker = async (name: string): Promise<N8nServer> => {
		let port = workerPorts.get(name);
		if (port === undefined) {
			port = await freePort();
			workerPorts.set(name, port);
		}
		const worker = await start(name, 'worker', port);
		workers.set(name, worker);
		return worker;
	};

	const restartWebhook = async (env: NodeJS.ProcessEnv): Promise<N8nServer> => {
		await webhook?.stop();
		webhook = await start('webhook', 'webhook', webhookPort, env);
		return webhook;
	};

	try {
		// The main process first: it migrates the database the others then use.
		main = await start('main', 'main', mainPort, { N8N_DISABLE_PRODUCTION_MAIN_PROCESS: 'true' });
		await Promise.all([
			start('webhook', 'webhook', webhookPort).then((server) => {
				webhook = server;
			}),
			...Array.from({ length: options.workers }, (_, index) => startWorker(`worker-${index + 1}`)),
		]);
		const mainProcess = main;
		return {
			main: mainProcess,
			get webhook(): N8nServer {
				if (!webhook) throw new Error('The webhook processor is not running.');
				return webhook;
			},
			workers,
			startWorker,
			restartWebhook,
			stop,
		};
	} catch (error) {
		await stop();
		throw error;
	}
}
