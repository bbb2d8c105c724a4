/**
 * One scale scenario in the queue-mode cluster: a campaign of N conversations dispatched by ONE
 * Batch run (example 3), each conversation's whole lifecycle (onStarted, onMessage, onUpdate,
 * onEnded) posted by the sandbox to the Velents Agent Trigger of the follow-up workflow (example 2:
 * on onEnded, create a Support ticket with the extraction, then confirm in its conversation), with
 * optional redeliveries and an optional worker stop or kill in the middle.
 *
 * Every figure is read from the outside: the sandbox's record of each delivery and each API request,
 * and n8n's own execution records in PostgreSQL.
 */
import { randomUUID } from 'node:crypto';

import { round } from '../figures/report';
import { AGENT_PATHS, SUPPORT_PATHS } from '../../nodes/shared/contract';
import type { Sandbox, SandboxConfigPatch } from '../sandbox/server';
import type { CredentialEntity, N8nApi } from '../n8n/api';
import type { WorkflowFile } from '../n8n/api';
import type { VelentsCredentialType } from '../n8n/examples';
import {
	MANUAL_TRIGGER_NAME,
	followUpTrigger,
	prepareExample,
	productionWebhookUrl,
	readExample,
} from '../n8n/examples';
import { waitForWebhook } from '../n8n/playground';
import { sleep } from '../n8n/process';
import type { QueueCluster } from './cluster';
import type { Postgres } from './postgres';

/** A one-minute window lasts one real second: Velents' 30 requests a minute become 30 a second. */
export const TIME_SCALE = 60;
export const SUPPORT_LIMIT_PER_WINDOW = 30;
export const WINDOW_SECONDS = 60;

/** One exchange that extracts both fields example 2 requires: exactly four events per conversation. */
export const SCALE_SCRIPT: SandboxConfigPatch['script'] = {
	greeting: 'مرحبا! أنا مساعد {{company_name}}...',
	exchanges: [
		{
			customer: 'my name is shady, book today 10 pm please',
			agent: 'تم! حجزت لك اليوم الساعة 10 بالليل يا Shady.',
			extract: { customer_name: 'shady', booking_time: 'today 22:00' },
		},
	],
	callOutcome: 'done',
};
export const EVENTS_PER_CONVERSATION = 4;

export type WorkerFault = 'stop' | 'kill';

export interface ScenarioSpec {
	name: string;
	conversations: number;
	/** Fraction of events the sandbox posts twice. */
	redeliverRatio: number;
	/**
	 * `stop`: SIGTERM, n8n's graceful shutdown (a deploy, a scale-down); `kill`: SIGKILL (a crash, an
	 * OOM kill). Done to `worker-1` once `atTicketsFraction` of the tickets exist; restarted after `downMs`.
	 */
	fault?: { kind: WorkerFault; atTicketsFraction: number; downMs: number };
	/** Requests per window of the Support token; default the contract's 30 per minute. */
	supportLimit?: number;
	/** Every Support request answered this much later (a slow API: the follow-ups then hold workers longer). */
	supportLatencyMs?: number;
	/** Conversations the sandbox plays at the same time. */
	deliveryConcurrency: number;
}

export interface ScenarioEnvironment {
	cluster: QueueCluster;
	api: N8nApi;
	sandbox: Sandbox;
	postgres: Postgres;
	credentials: Record<VelentsCredentialType, CredentialEntity>;
	log: (line: string) => void;
}

export interface ScenarioResult {
	name: string;
	workers: number;
	conversations: number;
	redeliverRatio: number;
	fault: ScenarioSpec['fault'] | null;
	supportLimitPerSecond: number;
	supportLatencyMs: number;
	deliveries: {
		total: number;
		redelivered: number;
		/** Answered 2xx. */
		accepted2xx: number;
		/** Answered otherwise, or not at all (network error, timeout). */
		failed: number;
		/** Redelivered onEnded events (the others are ignored as not selected anyway). */
		redeliveredOnEnded: number;
		/** Answered 2xx with `ignored: duplicate`. */
		ignoredDuplicates: number;
		/** Redeliveries that started an execution (a follow-up run twice). */
		redeliveriesStarted: number;
		/** onEnded answered 2xx without `ignored`: the executions the trigger started. */
		onEndedStarted: number;
		/** Events delivered per second, from the first POST to the end of the last. */
		perSecond: number;
	};
	executions: {
		/** Follow-up executions by status (`webhook` mode: started by the trigger). */
		byStatus: Record<string, number>;
		/** Executions the script retried (they had failed or crashed with their worker). */
		retried: number;
		/** Retry executions by status. */
		retriesByStatus: Record<string, number>;
		/** Successful follow-up executions (originals and retries). */
		succeeded: number;
		/**
		 * Executions n8n failed because their worker died ("failed to be processed too many times"):
		 * n8n 2.41 never runs a stalled job again and replaces the execution's data with that error.
		 */
		failedWithWorker: number;
	};
	tickets: {
		total: number;
		/** Conversations with exactly one ticket. */
		exactlyOnce: number;
		missing: number;
		duplicated: number;
	};
	confirmations: {
		/** Successful Send requests. */
		total: number;
		/** Tickets whose conversation got exactly one confirmation. */
		exactlyOnce: number;
		missing: number;
		duplicated: number;
	};
	/** Conversations whose follow-up is incomplete: no ticket, or a ticket without its confirmation. */
	incompleteFollowUps: number;
	support: {
		requests: number;
		/** 429 answers: the transport waits them out and sends again. */
		rateLimited: number;
		/** Follow-up executions that failed on the rate limit (the transport gave up waiting). */
		failedOnRateLimit: number;
	};
	timing: {
		/** Batch run: manual start to finished (n8n's record). */
		batchMs: number;
		/** From the first delivery to the last successful follow-up execution's end. */
		followUpSpanMs: number;
		/** Conversations followed up per second over that span. */
		followUpsPerSecond: number;
		/** The lower bound set by the Support limit (2 requests per conversation); null when unthrottled. */
		rateLimitFloorMs: number | null;
	};
	/** What happened around the fault. */
	faultReport: {
		at: string;
		runningInCluster: number;
		workerDownMs: number;
		restartMs: number;
	} | null;
	/** Every check, with its outcome. */
	checks: Array<{ check: string; passed: boolean; detail: string }>;
	passed: boolean;
}

const FINAL_STATUSES = new Set(['success', 'error', 'crashed', 'canceled']);
const MIN_RUNNING_AT_FAULT = 4;
/** What n8n 2.41 writes into an execution whose worker died (`MaxStalledCountError`). */
const STALLED_ERROR = 'failed to be processed too many times';
const DRAIN_TIMEOUT_MS = 15 * 60_000;

export async function runScenario(
	env: ScenarioEnvironment,
	spec: ScenarioSpec,
): Promise<ScenarioResult> {
	const { api, sandbox, postgres, log } = env;
	const supportLimit = spec.supportLimit ?? SUPPORT_LIMIT_PER_WINDOW;
	sandbox.reset();
	sandbox.configure({
		timeScale: TIME_SCALE,
		rateLimit: { limit: supportLimit, windowSeconds: WINDOW_SECONDS },
		script: SCALE_SCRIPT,
		redeliverRatio: spec.redeliverRatio,
		redeliverSeed: 9,
		deliveryConcurrency: spec.deliveryConcurrency,
		deliveryTimeoutMs: 30_000,
	});
	if (spec.supportLatencyMs) {
		sandbox.injectFault({
			path: '/Company/*',
			latencyMs: spec.supportLatencyMs,
			count: 10 * spec.conversations,
		});
	}

	// A new follow-up workflow per scenario: nothing carries over from the scenario before.
	const followUp = await createFollowUp(env, spec.name);
	const campaign = await api.createWorkflow(
		campaignWorkflow(await readExample('campaign'), env, spec, followUp.url),
	);
	log(`  ${spec.name}: follow-up workflow ${followUp.id} live at ${followUp.url}`);

	const started = Date.now();
	const batchExecutionId = await api.runManually(campaign.id, MANUAL_TRIGGER_NAME);
	const batchExecution = await api.waitForExecution(batchExecutionId, 5 * 60_000);
	if (batchExecution.status !== 'success')
		throw new Error(`${spec.name}: the Batch run ended ${batchExecution.status}.`);
	const batchMs = elapsed(batchExecution.startedAt, batchExecution.stoppedAt);
	log(
		`  ${spec.name}: Batch run done in ${batchMs} ms (${sandbox.state.batches.length} Batch calls)`,
	);

	let faultReport: ScenarioResult['faultReport'] = null;
	if (spec.fault) faultReport = await injectFault(env, spec, followUp.id);

	await sandbox.waitForIdle(DRAIN_TIMEOUT_MS);
	const deliveries = sandbox.state.deliveries;
	const onEndedStarted = deliveries.filter(
		(delivery) => delivery.event_type === 'onEnded' && startedExecution(delivery.response_body),
	).length;
	log(
		`  ${spec.name}: ${deliveries.length} deliveries done after ${Date.now() - started} ms; waiting for ${onEndedStarted} follow-ups`,
	);

	await waitForExecutions(postgres, followUp.id, onEndedStarted, 'webhook');
	// What an operator does with executions that failed or crashed with their worker: Retry.
	const toRetry = await executionIds(
		postgres,
		followUp.id,
		"mode = 'webhook' AND status IN ('error', 'crashed')",
	);
	for (const id of toRetry)
		await api
			.retryExecution(id)
			.catch((error: unknown) => log(`  retry of ${id} failed: ${String(error)}`));
	if (toRetry.length) {
		log(`  ${spec.name}: retried ${toRetry.length} failed or crashed executions`);
		await waitForExecutions(postgres, followUp.id, toRetry.length, 'retry');
	}

	return measure(env, spec, {
		followUpId: followUp.id,
		batchMs,
		onEndedStarted,
		retried: toRetry.length,
		faultReport,
	});
}

// ---------------------------------------------------------------- workflows

export async function createFollowUp(
	env: ScenarioEnvironment,
	name: string,
): Promise<{ id: string; url: string }> {
	const example = prepareExample(await readExample('followUp'), {
		credentials: env.credentials,
		webhookBaseUrl: env.cluster.webhook.webhookBaseUrl,
	});
	const webhookId = randomUUID();
	const workflow: WorkflowFile = {
		...example,
		name: `Scale ${name}: follow up on onEnded`,
		nodes: example.nodes.map((node) => (node.webhookId ? { ...node, webhookId } : node)),
	};
	const created = await env.api.createWorkflow(workflow);
	await env.api.activateWorkflow(created.id, created.versionId);
	const url = productionWebhookUrl(
		env.cluster.webhook.webhookBaseUrl,
		followUpTrigger(workflow).webhookId,
	);
	await waitForWebhook(url, 60_000);
	return { id: created.id, url };
}

/** Example 3 with N distinct customers and its webhook link set to the follow-up's Production URL. */
export function campaignWorkflow(
	example: WorkflowFile,
	env: ScenarioEnvironment,
	spec: ScenarioSpec,
	followUpUrl: string,
): WorkflowFile {
	const prepared = prepareExample(example, {
		credentials: env.credentials,
		webhookBaseUrl: env.cluster.webhook.webhookBaseUrl,
	});
	const rows = Array.from({ length: spec.conversations }, (_, index) => ({
		phone: `+9665${String(10_000_000 + index).padStart(8, '0')}`,
		company_name: 'Acme Store',
		order_id: String(100_000 + index),
	}));
	return {
		...prepared,
		name: `Scale ${spec.name}: campaign of ${spec.conversations}`,
		nodes: prepared.nodes.map((node) => {
			if (node.type === 'n8n-nodes-base.set')
				return {
					...node,
					parameters: { ...node.parameters, jsonOutput: JSON.stringify({ rows }) },
				};
			if (node.type === 'n8n-nodes-velents.velentsAgent') {
				return {
					...node,
					parameters: {
						...node.parameters,
						batchName: `Scale ${spec.name}`,
						webhook: { link: followUpUrl },
					},
				};
			}
			return node;
		}),
	};
}

// ---------------------------------------------------------------- the fault

async function injectFault(
	env: ScenarioEnvironment,
	spec: ScenarioSpec,
	followUpId: string,
): Promise<NonNullable<ScenarioResult['faultReport']>> {
	const fault = spec.fault as NonNullable<ScenarioSpec['fault']>;
	const { sandbox, cluster, postgres, log } = env;
	const target = Math.ceil(spec.conversations * fault.atTicketsFraction);
	const deadline = Date.now() + DRAIN_TIMEOUT_MS;
	while (sandbox.state.tickets.size < target) {
		if (Date.now() > deadline)
			throw new Error(
				`${spec.name}: ${target} tickets never existed (${sandbox.state.tickets.size}).`,
			);
		await sleep(100);
	}
	// The fault lands while follow-ups are running (for at most a few seconds more of waiting).
	let running = await executionIds(postgres, followUpId, "status = 'running'");
	for (
		const waitUntil = Date.now() + 5000;
		running.length < MIN_RUNNING_AT_FAULT && Date.now() < waitUntil;

	) {
		await sleep(100);
		running = await executionIds(postgres, followUpId, "status = 'running'");
	}
	const worker = cluster.workers.get('worker-1');
	if (!worker) throw new Error('No worker-1 to stop.');
	const at = `${sandbox.state.tickets.size} of ${spec.conversations} tickets`;
	log(
		`  ${spec.name}: ${fault.kind === 'kill' ? 'killing (SIGKILL)' : 'stopping (SIGTERM)'} worker-1 at ${at}, ${running.length} executions running in the cluster`,
	);
	const downStarted = Date.now();
	if (fault.kind === 'kill') await worker.kill();
	else await worker.stop();
	const stoppedMs = Date.now() - downStarted;
	await sleep(fault.downMs);
	const restartStarted = Date.now();
	await cluster.startWorker('worker-1');
	const restartMs = Date.now() - restartStarted;
	const workerDownMs = restartStarted - downStarted;
	log(
		`  ${spec.name}: worker-1 ${fault.kind === 'kill' ? 'killed' : `stopped in ${stoppedMs} ms`}, down ${workerDownMs} ms, ready again after ${restartMs} ms`,
	);
	return { at, runningInCluster: running.length, workerDownMs, restartMs };
}

// ---------------------------------------------------------------- n8n's records

export function sqlText(value: string): string {
	return `'${value.replace(/'/g, "''")}'`;
}

async function executionIds(
	postgres: Postgres,
	workflowId: string,
	where: string,
): Promise<string[]> {
	const rows = await postgres.query(
		`SELECT id FROM execution_entity WHERE "workflowId" = ${sqlText(workflowId)} AND ${where} ORDER BY id`,
	);
	return rows.map(([id]) => id);
}

export async function statusCounts(
	postgres: Postgres,
	workflowId: string,
	mode: string,
): Promise<Record<string, number>> {
	const rows = await postgres.query(
		`SELECT status, count(*) FROM execution_entity WHERE "workflowId" = ${sqlText(workflowId)} AND mode = ${sqlText(mode)} GROUP BY status`,
	);
	return Object.fromEntries(rows.map(([status, count]) => [status, Number(count)]));
}

/** Until `count` executions of `mode` exist and all have finished (a killed worker's fail within minutes). */
async function waitForExecutions(
	postgres: Postgres,
	workflowId: string,
	count: number,
	mode: string,
): Promise<void> {
	const deadline = Date.now() + DRAIN_TIMEOUT_MS;
	for (;;) {
		const counts = await statusCounts(postgres, workflowId, mode);
		const total = Object.values(counts).reduce((sum, value) => sum + value, 0);
		const finished = Object.entries(counts)
			.filter(([status]) => FINAL_STATUSES.has(status))
			.reduce((sum, [, value]) => sum + value, 0);
		if (total >= count && finished === total) return;
		if (Date.now() > deadline)
			throw new Error(
				`Executions (${mode}) of ${workflowId} not finished: ${JSON.stringify(counts)}, expected ${count}.`,
			);
		await sleep(1000);
	}
}

// ---------------------------------------------------------------- figures and checks

/** The trigger's answer to a delivery: `{received, ignored?}`, or null when it is not that. */
function triggerAnswer(
	responseBody: string | null,
): { received?: unknown; ignored?: unknown } | null {
	try {
		const body: unknown = JSON.parse(responseBody ?? '');
		return typeof body === 'object' && body !== null ? body : null;
	} catch {
		return null;
	}
}

export function startedExecution(responseBody: string | null): boolean {
	const answer = triggerAnswer(responseBody);
	return answer?.received === true && answer.ignored === undefined;
}

export function ignoredAs(responseBody: string | null): string | null {
	const ignored = triggerAnswer(responseBody)?.ignored;
	return typeof ignored === 'string' ? ignored : null;
}

function elapsed(from: string | null, to: string | null): number {
	return from && to ? Date.parse(to) - Date.parse(from) : Number.NaN;
}

export function tally<T>(values: Iterable<T>): Map<T, number> {
	const counts = new Map<T, number>();
	for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
	return counts;
}

async function measure(
	env: ScenarioEnvironment,
	spec: ScenarioSpec,
	run: {
		followUpId: string;
		batchMs: number;
		onEndedStarted: number;
		retried: number;
		faultReport: ScenarioResult['faultReport'];
	},
): Promise<ScenarioResult> {
	const { sandbox, postgres, cluster } = env;
	const { deliveries, requests } = sandbox.state;
	const conversationIds = [...sandbox.state.agentConversations.keys()];

	const accepted2xx = deliveries.filter(
		(delivery) => delivery.status !== null && delivery.status >= 200 && delivery.status < 300,
	);
	const firstPost = Math.min(...deliveries.map((delivery) => delivery.started_ms));
	const lastPostEnd = Math.max(
		...deliveries.map((delivery) => delivery.started_ms + delivery.duration_ms),
	);

	const tickets = [...sandbox.state.tickets.values()].map((stored) => stored.ticket);
	const ticketsPerConversation = tally(
		tickets.map((ticket) =>
			Number(
				(ticket.metadata as { velents_conversation_id?: unknown } | undefined)
					?.velents_conversation_id,
			),
		),
	);
	const ticketCounts = conversationIds.map((id) => ticketsPerConversation.get(id) ?? 0);

	const sends = requests.filter(
		(request) =>
			request.method === 'POST' &&
			/\/Send$/.test(request.path) &&
			request.status !== null &&
			request.status < 300,
	);
	const sendsPerConversation = tally(sends.map((request) => request.path));
	const confirmationCounts = tickets.map(
		(ticket) =>
			sendsPerConversation.get(SUPPORT_PATHS.sendMessage(String(ticket.conversation_id))) ?? 0,
	);

	const supportRequests = requests.filter((request) => request.path.startsWith('/Company/'));
	const windowMs = (WINDOW_SECONDS * 1000) / TIME_SCALE;
	// n8n keeps a failed execution's error in its run data; the transport's 429 message names the code.
	const [[failedOnRateLimit]] = await postgres.query(
		`SELECT count(*) FROM execution_entity e JOIN execution_data d ON d."executionId" = e.id
		 WHERE e."workflowId" = ${sqlText(run.followUpId)} AND e.status <> 'success' AND d.data LIKE '%(429)%'`,
	);

	const byStatus = await statusCounts(postgres, run.followUpId, 'webhook');
	const retriesByStatus = await statusCounts(postgres, run.followUpId, 'retry');
	const span = await postgres.query(
		`SELECT EXTRACT(EPOCH FROM max("stoppedAt")) * 1000 FROM execution_entity WHERE "workflowId" = ${sqlText(run.followUpId)} AND status = 'success'`,
	);
	const lastFollowUpEnd = Number(span[0]?.[0]);
	const followUpSpanMs = Math.round(lastFollowUpEnd - firstPost);
	const succeeded = (byStatus.success ?? 0) + (retriesByStatus.success ?? 0);
	const [[failedWithWorker]] = await postgres.query(
		`SELECT count(*) FROM execution_entity e JOIN execution_data d ON d."executionId" = e.id
		 WHERE e."workflowId" = ${sqlText(run.followUpId)} AND e.mode = 'webhook' AND e.status = 'error' AND d.data LIKE '%${STALLED_ERROR}%'`,
	);
	const exactlyOnceTickets = ticketCounts.filter((count) => count === 1).length;

	const result: Omit<ScenarioResult, 'checks' | 'passed'> = {
		name: spec.name,
		workers: cluster.workers.size,
		conversations: spec.conversations,
		redeliverRatio: spec.redeliverRatio,
		fault: spec.fault ?? null,
		supportLimitPerSecond: (spec.supportLimit ?? SUPPORT_LIMIT_PER_WINDOW) * (1000 / windowMs),
		supportLatencyMs: spec.supportLatencyMs ?? 0,
		deliveries: {
			total: deliveries.length,
			redelivered: deliveries.filter((delivery) => delivery.duplicate).length,
			accepted2xx: accepted2xx.length,
			failed: deliveries.length - accepted2xx.length,
			redeliveredOnEnded: deliveries.filter(
				(delivery) => delivery.duplicate && delivery.event_type === 'onEnded',
			).length,
			ignoredDuplicates: deliveries.filter(
				(delivery) => ignoredAs(delivery.response_body) === 'duplicate',
			).length,
			redeliveriesStarted: deliveries.filter(
				(delivery) => delivery.duplicate && startedExecution(delivery.response_body),
			).length,
			onEndedStarted: run.onEndedStarted,
			perSecond: round((deliveries.length / (lastPostEnd - firstPost)) * 1000, 1),
		},
		executions: {
			byStatus,
			retried: run.retried,
			retriesByStatus,
			succeeded,
			failedWithWorker: Number(failedWithWorker),
		},
		tickets: {
			total: tickets.length,
			exactlyOnce: exactlyOnceTickets,
			missing: ticketCounts.filter((count) => count === 0).length,
			duplicated: ticketCounts.filter((count) => count > 1).length,
		},
		confirmations: {
			total: sends.length,
			exactlyOnce: confirmationCounts.filter((count) => count === 1).length,
			missing: confirmationCounts.filter((count) => count === 0).length,
			duplicated: confirmationCounts.filter((count) => count > 1).length,
		},
		incompleteFollowUps:
			ticketCounts.filter((count) => count === 0).length +
			confirmationCounts.filter((count) => count === 0).length,
		support: {
			requests: supportRequests.length,
			rateLimited: supportRequests.filter((request) => request.status === 429).length,
			failedOnRateLimit: Number(failedOnRateLimit),
		},
		timing: {
			batchMs: run.batchMs,
			followUpSpanMs,
			followUpsPerSecond: round((spec.conversations / followUpSpanMs) * 1000, 2),
			rateLimitFloorMs:
				spec.supportLimit === undefined
					? Math.round(((2 * spec.conversations) / SUPPORT_LIMIT_PER_WINDOW - 1) * windowMs)
					: null,
		},
		faultReport: run.faultReport,
	};
	const checks = scenarioChecks(
		result,
		spec,
		conversationIds.length,
		sandbox.state.batches.length,
		requests.filter((request) => request.path === AGENT_PATHS.batch).length,
	);
	return { ...result, checks, passed: checks.every((check) => check.passed) };
}

export function scenarioChecks(
	result: Omit<ScenarioResult, 'checks' | 'passed'>,
	spec: ScenarioSpec,
	dispatched: number,
	batches: number,
	batchRequests: number,
): ScenarioResult['checks'] {
	const n = spec.conversations;
	const expectedEvents = n * EVENTS_PER_CONVERSATION + result.deliveries.redelivered;
	// Only a killed worker may cost follow-ups: n8n fails its running executions and never runs them
	// again (its choice, so that nothing runs twice); each one stays visible as failed in n8n.
	const lost = spec.fault?.kind === 'kill' ? result.executions.failedWithWorker : 0;
	const otherFailures =
		Object.entries(result.executions.byStatus)
			.filter(([status]) => status !== 'success')
			.reduce((sum, [, count]) => sum + count, 0) - lost;
	const but = lost ? ` (all but the ${lost} that n8n failed with the killed worker)` : '';
	const check = (name: string, passed: boolean, detail: string) => ({
		check: name,
		passed,
		detail,
	});
	return [
		check(
			'one Batch run dispatched every conversation',
			dispatched === n && batchRequests === batches,
			`${dispatched} conversations in ${batches} Batch calls`,
		),
		check(
			`every event delivered and answered 2xx (≥ ${n * EVENTS_PER_CONVERSATION} events)`,
			result.deliveries.total === expectedEvents && result.deliveries.failed === 0,
			`${result.deliveries.total} deliveries (${result.deliveries.redelivered} redelivered), ${result.deliveries.failed} not answered 2xx`,
		),
		check(
			'no redelivered event started an execution',
			result.deliveries.redeliveriesStarted === 0 &&
				result.deliveries.ignoredDuplicates === result.deliveries.redeliveredOnEnded,
			`${result.deliveries.redelivered} redelivered, ${result.deliveries.redeliveredOnEnded} of them onEnded: ${result.deliveries.ignoredDuplicates} answered "ignored: duplicate", ${result.deliveries.redeliveriesStarted} started an execution`,
		),
		check(
			'one follow-up execution started per conversation',
			result.deliveries.onEndedStarted === n,
			`${result.deliveries.onEndedStarted} onEnded events started an execution`,
		),
		check(
			`exactly one successful follow-up per conversation${but}`,
			result.executions.succeeded === n - lost && otherFailures === 0,
			`${JSON.stringify(result.executions.byStatus)}; ${result.executions.failedWithWorker} failed with their worker; retried ${result.executions.retried}: ${JSON.stringify(result.executions.retriesByStatus)}`,
		),
		check(
			`exactly one ticket and one confirmation per conversation${but}`,
			// A killed execution may have sent its requests before it died: at most `lost` are incomplete.
			result.tickets.duplicated === 0 &&
				result.confirmations.duplicated === 0 &&
				result.incompleteFollowUps <= lost &&
				result.tickets.exactlyOnce === n - result.tickets.missing,
			`${result.tickets.total} tickets (${result.tickets.missing} conversations without, ${result.tickets.duplicated} with more than one); ${result.confirmations.total} confirmations (${result.confirmations.missing} tickets without, ${result.confirmations.duplicated} with more than one)`,
		),
		check(
			'no follow-up failed on the Support rate limit',
			result.support.failedOnRateLimit === 0,
			`${result.support.requests} Support requests, ${result.support.rateLimited} answered 429 and sent again; ${result.support.failedOnRateLimit} executions failed on a 429`,
		),
	];
}
