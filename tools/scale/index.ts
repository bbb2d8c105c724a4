/**
 * `npm run scale-test`: the package in n8n's queue mode under campaign-sized event load.
 *
 * Sets everything up itself (Debian's PostgreSQL and Redis, installed when missing; the pinned n8n,
 * installed into its cache when missing; the package packed and installed into every n8n process;
 * the sandbox), then runs
 * the scenarios one after another in one queue-mode cluster (main, one webhook processor, two
 * workers; Dispatch and Wait's first, see dispatchAndWaitScenario.ts), prints each one's checks and figures, writes them (a whole run only) to
 * tools/figures/scale-results.json and the scale-out section of BENCHMARKS.md, and exits non-zero when a
 * check failed.
 *
 *   --conversations N   per scenario (default 1000; dispatch-and-wait: 30% of it)
 *   --only a,b          run some scenarios (names below)
 *   --skip-build        the package is built already
 *   --keep              keep the scratch folder (n8n's logs) afterwards
 *   --package-revision R  run the package as it was at git revision R (to show a check fails
 *                       against an older behaviour); the recorded figures say which
 *
 * With `VELENTS_N8N_PORT` set, the cluster's ports are searched from it, and PostgreSQL's and
 * Redis's from 50000 and 51000 above it, so that two runs on one machine do not race for ports.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import {
	DEFAULT_AGENT_TOKEN,
	DEFAULT_SUPPORT_TOKEN,
	DEFAULT_WEBHOOK_SECRET,
	startSandbox,
} from '../sandbox/server';
import type { Sandbox } from '../sandbox/server';
import type { CredentialEntity } from '../n8n/api';
import { buildPackage, packPackage, packRevision } from '../n8n/community-package';
import type { VelentsCredentialType } from '../n8n/examples';
import { EXAMPLE_CREDENTIAL_NAMES } from '../n8n/examples';
import { ensureN8n } from '../n8n/install';
import { ownerSession } from '../n8n/playground';
import { findFreePort, seconds } from '../n8n/process';
import { PORT_ENV } from '../n8n/server';
import { runAckFault } from './ackFaultScenario';
import type { AckFaultResult, AckFaultSpec } from './ackFaultScenario';
import { printAckFault, writeAckFaultReport } from './ackFaultReport';
import { startQueueCluster } from './cluster';
import type { QueueCluster } from './cluster';
import { startPostgres } from './postgres';
import type { Postgres } from './postgres';
import { startRedis } from './redis';
import type { Redis } from './redis';
import { printScenario, writeScaleReport } from './report';
import type { ScaleResults } from './report';
import { TIME_SCALE, runScenario } from './scenario';
import {
	DISPATCH_AND_WAIT_SCENARIO,
	printWaitScenario,
	runDispatchAndWaitScenario,
} from './dispatchAndWaitScenario';
import type { WaitScenarioResult } from './dispatchAndWaitScenario';
import type { ScenarioResult, ScenarioSpec } from './scenario';

/** A Support limit no run reaches, and a slow answer: each follow-up then holds a worker's slot ~2 s. */
const UNTHROTTLED_LIMIT = 1_000_000;
const SLOW_API_MS = 1000;
const WORKERS = 2;
const DEFAULT_CONVERSATIONS = 1000;
const WORKER_CONCURRENCY = 10;

/**
 * n8n 2.41's default expression engine ('vm') creates an isolate for every webhook request to a
 * community trigger and for every credential read: about 130 ms of one core per event, which makes
 * the webhook processor the bottleneck at about 7 events a second. The cluster runs n8n's other
 * engine, 'legacy' (5 times the event rate), so that a campaign's 4,000 events take minutes; the
 * last scenario measures the default engine in the webhook processor side by side.
 */
const CLUSTER_ENGINE: NodeJS.ProcessEnv = { N8N_EXPRESSION_ENGINE: 'legacy' };
const DEFAULT_ENGINE: NodeJS.ProcessEnv = { N8N_EXPRESSION_ENGINE: 'vm' };
/**
 * Bull's lock on a job, as n8n configures it: a killed worker's job is seen stalled (and, with n8n's
 * `maxStalledCount: 0`, failed) after the lock expires. Defaults 60 s / 10 s / 30 s; shorter here so
 * that the killed-worker scenario does not wait minutes.
 */
const QUEUE_LOCKS: NodeJS.ProcessEnv = {
	QUEUE_WORKER_LOCK_DURATION: '10000',
	QUEUE_WORKER_LOCK_RENEW_TIME: '2000',
	QUEUE_WORKER_STALLED_INTERVAL: '5000',
};

type ScenarioName =
	| 'clean'
	| 'redelivered'
	| 'worker-stopped'
	| 'worker-killed'
	| 'slow-api'
	| 'clean-1-worker'
	| 'slow-api-1-worker'
	| 'default-engine-1-worker';

interface PlannedScenario extends ScenarioSpec {
	name: ScenarioName;
	workers: 1 | 2;
	/** The webhook processor is restarted with this environment first. */
	webhookEnv?: NodeJS.ProcessEnv;
}

/** In the order they run: every two-worker scenario, then worker-2 is stopped for the one-worker ones. */
function scenarios(conversations: number): PlannedScenario[] {
	const base = { conversations, redeliverRatio: 0, deliveryConcurrency: 16 };
	const midway = { atTicketsFraction: 0.3, downMs: 5000 };
	return [
		{ ...base, name: 'clean', workers: 2 },
		{ ...base, name: 'redelivered', workers: 2, redeliverRatio: 0.05 },
		{
			...base,
			name: 'worker-stopped',
			workers: 2,
			redeliverRatio: 0.05,
			fault: { kind: 'stop', ...midway },
		},
		{
			...base,
			name: 'worker-killed',
			workers: 2,
			redeliverRatio: 0.05,
			fault: { kind: 'kill', ...midway },
		},
		{
			...base,
			name: 'slow-api',
			workers: 2,
			supportLimit: UNTHROTTLED_LIMIT,
			supportLatencyMs: SLOW_API_MS,
		},
		{ ...base, name: 'clean-1-worker', workers: 1 },
		{
			...base,
			name: 'slow-api-1-worker',
			workers: 1,
			supportLimit: UNTHROTTLED_LIMIT,
			supportLatencyMs: SLOW_API_MS,
		},
		{
			...base,
			name: 'default-engine-1-worker',
			workers: 1,
			conversations: Math.ceil(conversations / 4),
			webhookEnv: DEFAULT_ENGINE,
		},
	];
}

/**
 * Last, since it stops Redis and PostgreSQL: events at about 8 a second (16 conversations at once,
 * one event a second each), Redis down 5 s at a quarter of them (the webhook processor gives up
 * after 2 s), PostgreSQL down 4 s at two thirds.
 */
function ackFaultScenario(conversations: number): AckFaultSpec {
	return {
		name: 'ack-fault',
		conversations: Math.ceil(conversations / 4),
		deliveryConcurrency: 16,
		eventGapMs: 1000,
		outages: [
			{ target: 'redis', atEventsFraction: 0.25, downMs: 5000 },
			{ target: 'postgres', atEventsFraction: 0.65, downMs: 4000 },
		],
		webhookRedisTimeoutMs: 2000,
	};
}

interface Arguments {
	conversations: number;
	only: Set<string> | null;
	skipBuild: boolean;
	keep: boolean;
	packageRevision: string | null;
}

function parseArguments(argv: readonly string[]): Arguments {
	const value = (flag: string): string | undefined => {
		const index = argv.indexOf(flag);
		return index >= 0 ? argv[index + 1] : undefined;
	};
	const conversations = Number(value('--conversations') ?? DEFAULT_CONVERSATIONS);
	if (!Number.isInteger(conversations) || conversations < 10)
		throw new Error('--conversations takes a whole number of at least 10.');
	const only = value('--only');
	return {
		conversations,
		only: only ? new Set(only.split(',').map((name) => name.trim())) : null,
		skipBuild: argv.includes('--skip-build'),
		keep: argv.includes('--keep'),
		packageRevision: value('--package-revision') ?? null,
	};
}

async function main(): Promise<number> {
	const args = parseArguments(process.argv.slice(2));
	const log = (line: string): void => console.log(line);
	const started = Date.now();
	const planned = scenarios(args.conversations).filter(
		(spec) => !args.only || args.only.has(spec.name),
	);
	const ackFault = ackFaultScenario(args.conversations);
	const plannedAckFault = !args.only || args.only.has(ackFault.name) ? ackFault : null;
	const waitPlanned = !args.only || args.only.has(DISPATCH_AND_WAIT_SCENARIO);
	if (planned.length === 0 && !plannedAckFault && !waitPlanned)
		throw new Error(
			`No scenario matches --only (names: ${[
				DISPATCH_AND_WAIT_SCENARIO,
				...[...scenarios(args.conversations), ackFault].map((spec) => spec.name),
			].join(', ')}).`,
		);

	if (!args.skipBuild && !args.packageRevision) await buildPackage();
	const portBase = Number(process.env[PORT_ENV]) || null;
	const installation = await ensureN8n({ log });
	const root = await mkdtemp(path.join(os.tmpdir(), 'velents-scale-'));
	let postgres: Postgres | null = null;
	let redis: Redis | null = null;
	let sandbox: Sandbox | null = null;
	let cluster: QueueCluster | null = null;
	const results: ScenarioResult[] = [];
	let ackFaultResult: AckFaultResult | null = null;
	let waitResult: WaitScenarioResult | undefined;
	try {
		const packed = args.packageRevision
			? await packRevision(args.packageRevision, path.join(root, 'revision'))
			: await packPackage(path.join(root, 'pack'));
		[postgres, redis, sandbox] = await Promise.all([
			startPostgres({ log, port: portBase ? await findFreePort(portBase + 50_000) : undefined }),
			startRedis({ log, port: portBase ? await findFreePort(portBase + 51_000) : undefined }),
			startSandbox({ port: 0 }),
		]);
		log(`PostgreSQL on ${postgres.port}, Redis on ${redis.port}, sandbox on ${sandbox.url}`);
		const clusterStarted = Date.now();
		cluster = await startQueueCluster({
			installation,
			packed,
			root,
			postgres,
			redis,
			workers: WORKERS,
			workerConcurrency: WORKER_CONCURRENCY,
			env: { ...CLUSTER_ENGINE, ...QUEUE_LOCKS },
			firstPort: portBase ?? undefined,
			log,
		});
		log(
			`n8n ${installation.n8nVersion} in queue mode: main ${cluster.main.url}, webhook processor ${cluster.webhook.url}, ${cluster.workers.size} workers (${seconds(Date.now() - clusterStarted)})`,
		);

		const api = await ownerSession(cluster.main);
		const credentials = await createCredentials(api, sandbox.url);
		if (waitPlanned) {
			// A few hundred: what it measures is waiting executions, not the event rate.
			const conversations = Math.ceil((3 * args.conversations) / 10);
			log(
				`\nScenario ${DISPATCH_AND_WAIT_SCENARIO}: ${conversations} conversations + 1 never ending…`,
			);
			waitResult = await runDispatchAndWaitScenario(
				{ cluster, api, sandbox, postgres, credentials, log },
				{ conversations },
			);
			printWaitScenario(waitResult);
		}
		for (const spec of planned) {
			if (spec.workers < cluster.workers.size) {
				await cluster.workers.get('worker-2')?.stop();
				cluster.workers.delete('worker-2');
			}
			if (spec.webhookEnv) await cluster.restartWebhook(spec.webhookEnv);
			log(
				`\nScenario ${spec.name}: ${spec.conversations} conversations, ${cluster.workers.size} worker(s)…`,
			);
			const result = await runScenario({ cluster, api, sandbox, postgres, credentials, log }, spec);
			results.push(result);
			printScenario(result);
		}
		if (plannedAckFault) {
			log(`\nScenario ${plannedAckFault.name}: ${plannedAckFault.conversations} conversations…`);
			ackFaultResult = await runAckFault(
				{ cluster, api, sandbox, postgres, redis, credentials, log },
				plannedAckFault,
				args.packageRevision,
			);
			printAckFault(ackFaultResult);
		}
	} finally {
		await cluster?.stop().catch(() => undefined);
		await Promise.all(
			[postgres?.stop(), redis?.stop(), sandbox?.close()].map((stopping) =>
				stopping?.catch(() => undefined),
			),
		);
		if (args.keep) log(`Logs kept in ${root}`);
		else await rm(root, { recursive: true, force: true });
	}

	const report: ScaleResults = {
		date: new Date().toISOString(),
		command: `npm run scale-test${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
		durationMs: Date.now() - started,
		n8n: installation.n8nVersion,
		timeScale: TIME_SCALE,
		workerConcurrency: WORKER_CONCURRENCY,
		environment: { ...CLUSTER_ENGINE, ...QUEUE_LOCKS },
		scenarios: results,
		dispatchAndWait: waitResult,
	};
	// The recorded figures are one whole run's, so that the ratios in them are side by side.
	const wholeRun =
		!args.only && args.conversations === DEFAULT_CONVERSATIONS && !args.packageRevision;
	if (wholeRun) await writeScaleReport(report);
	// Its figures stand alone (no ratio to another scenario): recorded whenever it ran in full size.
	if (ackFaultResult && args.conversations === DEFAULT_CONVERSATIONS)
		await writeAckFaultReport(ackFaultResult, report);
	const verdicts = [
		...results,
		...(waitResult ? [waitResult] : []),
		...(ackFaultResult ? [ackFaultResult] : []),
	];
	const failed = verdicts.filter((result) => !result.passed);
	log(
		`\n${verdicts.length - failed.length} passed, ${failed.length} failed (scenarios; ${seconds(report.durationMs)} in all). ` +
			(wholeRun
				? 'tools/figures/scale-results.json and BENCHMARKS.md written.'
				: 'A partial run: tools/figures/scale-results.json and BENCHMARKS.md left as they were.'),
	);
	return failed.length ? 1 : 0;
}

/** Both credentials against the sandbox, their rate windows time-scaled as the sandbox's are. */
async function createCredentials(
	api: Awaited<ReturnType<typeof ownerSession>>,
	sandboxUrl: string,
): Promise<Record<VelentsCredentialType, CredentialEntity>> {
	const windowSeconds = 60 / TIME_SCALE;
	return {
		velentsAgentApi: await api.createCredential({
			name: EXAMPLE_CREDENTIAL_NAMES.velentsAgentApi,
			type: 'velentsAgentApi',
			data: {
				token: DEFAULT_AGENT_TOKEN,
				baseUrl: sandboxUrl,
				rateLimitWindowSeconds: windowSeconds,
				webhookSecret: DEFAULT_WEBHOOK_SECRET,
			},
		}),
		velentsSupportApi: await api.createCredential({
			name: EXAMPLE_CREDENTIAL_NAMES.velentsSupportApi,
			type: 'velentsSupportApi',
			data: {
				token: DEFAULT_SUPPORT_TOKEN,
				baseUrl: sandboxUrl,
				rateLimitWindowSeconds: windowSeconds,
			},
		}),
	};
}

main()
	.then((code) => process.exit(code))
	.catch((error: unknown) => {
		console.error(error instanceof Error ? (error.stack ?? error.message) : error);
		process.exit(1);
	});
