/**
 * Dispatch and Wait in queue mode: a few hundred executions of Webhook → Velents Agent "Dispatch
 * and Wait" → HTTP Request (to a collector in this process), each dispatched by a worker, parked
 * as `waiting` in PostgreSQL (no worker held), resumed when the sandbox posts onEnded to its resume
 * URL (the webhook processor's address: main takes no webhooks in this cluster), and continued by a
 * worker. One more conversation's only Resume On event never comes (Resume On: Call Done, on a
 * WhatsApp conversation): main's wait tracker must continue it with `timed_out` after its one-minute
 * limit.
 *
 * Every figure is read from the outside: the sandbox's record of each dispatch and delivery, the
 * collector's posts, the execution rows in PostgreSQL, and n8n's logs: "Enqueued execution <id>" in
 * the webhook processor's and main's (who queued each part) and "Worker started execution <id>" in
 * the workers' (one job for the dispatching part, one for the resumed part).
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';

import { percentile, round } from '../figures/report';
import type { SandboxConfigPatch } from '../sandbox/server';
import type { WorkflowFile } from '../n8n/api';
import { startPostCollector } from '../n8n/collector';
import type { CollectedPost } from '../n8n/collector';
import { sleep } from '../n8n/process';
import type { ScenarioEnvironment } from './scenario';

export const DISPATCH_AND_WAIT_SCENARIO = 'dispatch-and-wait';

/** Every customer line names the order, so that each transcript can be told apart. */
const WAIT_SCRIPT: SandboxConfigPatch['script'] = {
	greeting: 'مرحبا! أنا مساعد {{company_name}}...',
	exchanges: [
		{
			customer: 'order {{order_id}}: my name is shady, book today 10 pm please',
			agent: 'تم! حجزت لك اليوم الساعة 10 بالليل يا Shady.',
			extract: { customer_name: 'shady', booking_time: 'today 22:00' },
		},
	],
	callOutcome: 'done',
};
const EXPECTED_EXTRACTION = { customer_name: 'shady', booking_time: 'today 22:00' };
/** onStarted, onMessage, onUpdate, onEnded. */
const EVENTS_PER_CONVERSATION = 4;
/** Before each event: the first comes seconds after the dispatch, once the execution is parked. */
const EVENT_DELAY_MS = 3000;
/** Orders posted to the webhook processor at once. */
const POST_CONCURRENCY = 10;
/** The conversations that end: a limit none reaches. */
const ENDING_LIMIT_MINUTES = 30;
export const TIMEOUT_LIMIT_MINUTES = 1;
/** Main's wait tracker looks for passed limits once a minute: the latest a timeout may come. */
const WAIT_TRACKER_SLACK_MS = 75_000;
const DRAIN_TIMEOUT_MS = 10 * 60_000;
/** After the last expected post: time for a second post of any execution to show. */
const SETTLE_MS = 5000;
const WORKER_STARTED = /Worker started execution (\d+) \(job [^)]*\)/g;
const ENQUEUED = /Enqueued execution (\d+) \(job [^)]*\)/g;

export interface WaitScenarioSpec {
	/** Conversations that end (onEnded resumes them); one more never ends. */
	conversations: number;
}

export interface WaitScenarioResult {
	name: string;
	workers: number;
	conversations: number;
	orders: {
		/** Orders posted to the Webhook node (the ending ones and the never-ending one). */
		posted: number;
		/** Answered other than 200. */
		refused: number;
		/** Conversations the sandbox received from Dispatch and Wait. */
		dispatched: number;
		/** Resume URLs pointing at the webhook processor, with `?signature=`, one execution each. */
		resumeUrlsOnWebhookProcessor: number;
	};
	deliveries: {
		total: number;
		/** Answers by status (`409`: an event before its execution was parked, or after it resumed). */
		byStatus: Record<string, number>;
		/** Events not answered 200, by event type and status or network error. */
		notOk: Record<string, number>;
		/** onEnded answered 200 with `resumed: true`. */
		endsResumed: number;
		/** Events other than an ending one's onEnded that resumed an execution. */
		othersResumed: number;
	};
	executions: {
		/** The ending conversations' executions by status, at the end. */
		byStatus: Record<string, number>;
		/** Executions `waiting` at once, at most (sampled twice a second). */
		waitingPeak: number;
	};
	continued: {
		/** Collector posts of the ending conversations. */
		posts: number;
		/** Conversations continued exactly once, by their own execution, with their own event. */
		exactlyOnceWithOwnEvent: number;
		/** Continued once, but with another conversation's event or not with outcome `ended`. */
		wrongEvent: number;
		missing: number;
		twice: number;
	};
	/** Who queued and who ran the two parts of each ending conversation's execution (n8n's logs). */
	processes: {
		/** Executions queued twice by the webhook processor (the order, then the end event) and never by main. */
		queuedByWebhookProcessor: number;
		/** Executions with exactly two worker jobs: the dispatching part and the resumed part. */
		twoWorkerJobs: number;
		/** Resumed parts per worker. */
		resumedOn: Record<string, number>;
		/** Resumed on another worker than the one that dispatched. */
		resumedOnOtherWorker: number;
	};
	latency: {
		/** From the sandbox sending onEnded to the collector receiving the next node's post. */
		p50Ms: number;
		p99Ms: number;
		maxMs: number;
	};
	timeout: {
		/** The never-ending conversation's execution, its status and outcome at the end. */
		status: string;
		outcome: string | null;
		/**
		 * From n8n creating the execution to its continued post: at least the limit, which the node
		 * counts from its start (before it dispatches).
		 */
		waitedMs: number | null;
		/** Worker jobs of its execution (two: dispatch, then the wait tracker's resume). */
		workerJobs: number;
		/** The processes that queued its parts (the webhook processor its start, main its timeout). */
		queuedBy: string[];
		/** Its events answered 200 without resuming. */
		eventsNotResuming: number;
		events: number;
	};
	checks: Array<{ check: string; passed: boolean; detail: string }>;
	passed: boolean;
}

export type WaitMeasured = Omit<WaitScenarioResult, 'checks' | 'passed'>;

export interface Posted {
	execution: string;
	order: string;
	outcome: string | null;
	conversationId: number | null;
	conversationOrder: string | null;
	extraction: Record<string, unknown> | null;
	transcript: string;
	arrivedMs: number;
}

export async function runDispatchAndWaitScenario(
	env: ScenarioEnvironment,
	spec: WaitScenarioSpec,
): Promise<WaitScenarioResult> {
	const { sandbox, postgres, cluster, credentials, log } = env;
	sandbox.reset();
	sandbox.configure({
		timeScale: 1,
		eventDelayMs: EVENT_DELAY_MS,
		script: WAIT_SCRIPT,
		redeliverRatio: 0,
		// Every conversation plays at once, and Dispatch is not what is measured.
		deliveryConcurrency: spec.conversations + 1,
		deliveryTimeoutMs: 30_000,
		rateLimit: { limit: 100 * spec.conversations, windowSeconds: 60 },
	});
	const collector = await startPostCollector('/continued');
	try {
		const agent = {
			id: credentials.velentsAgentApi.id,
			name: credentials.velentsAgentApi.name,
		};
		const ending = await activateOrderFlow(env, {
			name: `Scale ${DISPATCH_AND_WAIT_SCENARIO}: call and wait`,
			agent,
			collectorUrl: collector.url,
			resumeOn: ['ended', 'call_done', 'call_failed', 'no_answer'],
			limitMinutes: ENDING_LIMIT_MINUTES,
		});
		const neverEnding = await activateOrderFlow(env, {
			// A WhatsApp conversation waited for as a call: its onEnded is not a Resume On event.
			name: `Scale ${DISPATCH_AND_WAIT_SCENARIO}: wait for an end that never comes`,
			agent,
			collectorUrl: collector.url,
			resumeOn: ['call_done'],
			limitMinutes: TIMEOUT_LIMIT_MINUTES,
		});
		const workflowIds = [ending.id, neverEnding.id];

		let waitingPeak = 0;
		let sampling = true;
		const sampler = (async () => {
			while (sampling) {
				const [[waiting]] = await postgres.query(
					`SELECT count(*) FROM execution_entity WHERE "workflowId" IN (${workflowIds.map(sqlText).join(', ')}) AND status = 'waiting'`,
				);
				waitingPeak = Math.max(waitingPeak, Number(waiting));
				await sleep(500);
			}
		})();

		const began = Date.now();
		// The never-ending one first: its minute runs while the others play.
		const timeoutOrder = 'never-ends';
		let refused = (await postOrders(neverEnding.url, [timeoutOrder], 1)).refused;
		const orders = Array.from({ length: spec.conversations }, (_, index) =>
			String(200_000 + index),
		);
		refused += (await postOrders(ending.url, orders, POST_CONCURRENCY)).refused;
		log(
			`  ${DISPATCH_AND_WAIT_SCENARIO}: ${orders.length + 1} orders posted in ${Date.now() - began} ms (${refused} refused)`,
		);

		const deadline = Date.now() + DRAIN_TIMEOUT_MS;
		while (collector.posts.length < orders.length + 1 && Date.now() < deadline) await sleep(1000);
		await sandbox.waitForIdle(Math.max(1000, deadline - Date.now())).catch(() => undefined);
		await sleep(SETTLE_MS);
		sampling = false;
		await sampler;
		log(
			`  ${DISPATCH_AND_WAIT_SCENARIO}: ${collector.posts.length} posts after ${Date.now() - began} ms`,
		);

		const workerJobs = await readLogMentions(
			[...cluster.workers].map(([name, worker]) => [name, worker.logFile]),
			WORKER_STARTED,
		);
		const queuedBy = await readLogMentions(
			[
				['webhook processor', cluster.webhook.logFile],
				['main', cluster.main.logFile],
			],
			ENQUEUED,
		);
		const measured = measureWaitScenario({
			spec,
			workers: cluster.workers.size,
			webhookProcessor: cluster.webhook.webhookBaseUrl,
			orders,
			timeoutOrder,
			refused,
			dispatches: sandbox.dispatches().map((dispatch) => ({
				conversationId: dispatch.conversation.id,
				order: String(dispatch.conversation.values.order_id),
				link: dispatch.conversation.webhook?.link ?? '',
			})),
			deliveries: sandbox.deliveries().map((delivery) => ({
				conversationId: delivery.conversation_id,
				eventType: delivery.event_type,
				status: delivery.status,
				error: delivery.error,
				responseBody: delivery.response_body,
				startedMs: delivery.started_ms,
				extraction: (delivery.body.result as { extraction?: unknown } | undefined)?.extraction,
			})),
			posts: collector.posts.map(postedOf),
			executions: await executionRows(postgres, workflowIds),
			waitingPeak,
			workerJobs,
			queuedBy,
		});
		const checks = waitScenarioChecks(measured);
		return { ...measured, checks, passed: checks.every((check) => check.passed) };
	} finally {
		sandbox.reset();
		await collector.close();
	}
}

// ---------------------------------------------------------------- workflows

/** Webhook (an order) → Dispatch and Wait → HTTP Request to the collector; created and activated. */
async function activateOrderFlow(
	{ api, cluster }: ScenarioEnvironment,
	options: {
		name: string;
		agent: { id: string; name: string };
		collectorUrl: string;
		resumeOn: string[];
		limitMinutes: number;
	},
): Promise<{ id: string; url: string }> {
	const path = `scale-wait-${randomUUID()}`;
	const workflow: WorkflowFile = {
		name: options.name,
		nodes: [
			{
				id: 'order',
				name: 'Order',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2.1,
				position: [0, 0],
				webhookId: randomUUID(),
				parameters: { httpMethod: 'POST', path, responseMode: 'onReceived', options: {} },
			},
			{
				id: 'wait',
				name: 'Call and wait',
				type: 'n8n-nodes-velents.velentsAgent',
				typeVersion: 1,
				position: [220, 0],
				parameters: {
					operation: 'dispatchAndWait',
					channelId: 2,
					phone: '={{ $json.body.phone }}',
					variablesInput: 'json',
					variablesJson:
						'={{ JSON.stringify({ company_name: "Acme Store", order_id: $json.body.order }) }}',
					resumeOn: options.resumeOn,
					limitType: 'afterTimeInterval',
					limitAmount: options.limitMinutes,
					limitUnit: 'minutes',
				},
				credentials: { velentsAgentApi: options.agent },
			},
			{
				id: 'collect',
				name: 'Collect',
				type: 'n8n-nodes-base.httpRequest',
				typeVersion: 4.2,
				position: [440, 0],
				parameters: {
					method: 'POST',
					url: options.collectorUrl,
					sendBody: true,
					specifyBody: 'json',
					jsonBody:
						"={{ JSON.stringify({ execution: $execution.id, order: $('Order').first().json.body.order, outcome: $json.outcome ?? null, conversationId: $json.conversation.id ?? null, conversationOrder: ($json.conversation.values || {}).order_id ?? null, extraction: $json.extraction ?? null, transcript: ($json.history || []).map(entry => entry.message).join('\\n') }) }}",
					options: {},
				},
			},
		],
		connections: {
			Order: { main: [[{ node: 'Call and wait', type: 'main', index: 0 }]] },
			'Call and wait': { main: [[{ node: 'Collect', type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
	const created = await api.createWorkflow(workflow);
	await api.activateWorkflow(created.id, created.versionId);
	return { id: created.id, url: `${cluster.webhook.webhookBaseUrl}webhook/${path}` };
}

/**
 * Posts each order (a distinct customer) to the Webhook node, `concurrency` at a time. A 404 is
 * posted again for a few seconds: the webhook processor may not know a just-activated webhook yet
 * (a probe would start an execution, so the orders themselves wait for it).
 */
async function postOrders(
	url: string,
	orders: readonly string[],
	concurrency: number,
): Promise<{ refused: number }> {
	let refused = 0;
	let next = 0;
	const post = async (order: string): Promise<number> => {
		const response = await fetch(url, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ order, phone: phoneOf(order) }),
		});
		await response.arrayBuffer();
		return response.status;
	};
	await Promise.all(
		Array.from({ length: concurrency }, async () => {
			while (next < orders.length) {
				const order = orders[next++];
				let status = await post(order);
				for (const until = Date.now() + 30_000; status === 404 && Date.now() < until; ) {
					await sleep(250);
					status = await post(order);
				}
				if (status !== 200) refused++;
			}
		}),
	);
	return { refused };
}

function phoneOf(order: string): string {
	const digits = order.replace(/\D/g, '') || '0';
	return `+9665${digits.padStart(8, '0').slice(-8)}`;
}

// ---------------------------------------------------------------- n8n's records

function sqlText(value: string): string {
	return `'${value.replace(/'/g, "''")}'`;
}

/** Each execution's status, and when n8n created it (before the node computed its limit). */
async function executionRows(
	postgres: ScenarioEnvironment['postgres'],
	workflowIds: readonly string[],
): Promise<WaitObserved['executions']> {
	const rows = await postgres.query(
		`SELECT id, status, EXTRACT(EPOCH FROM "createdAt") * 1000 FROM execution_entity WHERE "workflowId" IN (${workflowIds.map(sqlText).join(', ')})`,
	);
	return new Map(rows.map(([id, status, created]) => [id, { status, createdMs: Number(created) }]));
}

/** Execution id → the processes whose log mentions it with `pattern` (once per line), in log order. */
async function readLogMentions(
	logs: ReadonlyArray<[string, string]>,
	pattern: RegExp,
): Promise<Map<string, string[]>> {
	const mentions = new Map<string, string[]>();
	for (const [name, file] of logs) {
		const text = await readFile(file, 'utf8').catch(() => '');
		for (const [, execution] of text.matchAll(pattern))
			mentions.set(execution, [...(mentions.get(execution) ?? []), name]);
	}
	return mentions;
}

// ---------------------------------------------------------------- figures and checks

export interface WaitObserved {
	spec: WaitScenarioSpec;
	workers: number;
	webhookProcessor: string;
	orders: readonly string[];
	timeoutOrder: string;
	refused: number;
	dispatches: Array<{ conversationId: number; order: string; link: string }>;
	deliveries: Array<{
		conversationId: number;
		eventType: string;
		status: number | null;
		/** Network error or timeout, when there was no answer. */
		error: string | null;
		responseBody: string | null;
		startedMs: number;
		extraction: unknown;
	}>;
	posts: Posted[];
	executions: Map<string, { status: string; createdMs: number }>;
	waitingPeak: number;
	/** Execution id → the workers that started a job for it. */
	workerJobs: Map<string, string[]>;
	/** Execution id → the processes that queued a job for it. */
	queuedBy: Map<string, string[]>;
}

/** The execution id in a resume URL (`…/webhook-waiting/<id>/<node id>?signature=…`). */
function executionOf(link: string): string | null {
	try {
		return /\/webhook-waiting\/(\d+)\//.exec(new URL(link).pathname)?.[1] ?? null;
	} catch {
		return null;
	}
}

function resumed(responseBody: string | null): boolean {
	try {
		return (JSON.parse(responseBody ?? '') as { resumed?: unknown }).resumed === true;
	} catch {
		return false;
	}
}

function tally(values: Iterable<string>): Record<string, number> {
	const counts: Record<string, number> = {};
	for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
	return counts;
}

export function measureWaitScenario(observed: WaitObserved): WaitMeasured {
	const { dispatches, deliveries, posts, workerJobs, queuedBy } = observed;
	const webhookOrigin = new URL(observed.webhookProcessor).origin;
	const executions = new Set<string>();
	let resumeUrlsOnWebhookProcessor = 0;
	for (const dispatch of dispatches) {
		const execution = executionOf(dispatch.link);
		const url = new URL(dispatch.link);
		if (
			execution !== null &&
			!executions.has(execution) &&
			url.origin === webhookOrigin &&
			url.searchParams.get('signature')
		)
			resumeUrlsOnWebhookProcessor++;
		if (execution !== null) executions.add(execution);
	}

	const ending = dispatches.filter((dispatch) => dispatch.order !== observed.timeoutOrder);
	const endingIds = new Set(ending.map((dispatch) => dispatch.conversationId));
	const timeoutDispatch = dispatches.find((dispatch) => dispatch.order === observed.timeoutOrder);
	const ended = new Map<number, (typeof deliveries)[number]>();
	for (const delivery of deliveries)
		if (delivery.eventType === 'onEnded' && !ended.has(delivery.conversationId))
			ended.set(delivery.conversationId, delivery);

	const latencies: number[] = [];
	let exactlyOnceWithOwnEvent = 0;
	let wrongEvent = 0;
	let missing = 0;
	let twice = 0;
	let twoWorkerJobs = 0;
	let queuedByWebhookProcessor = 0;
	let resumedOnOtherWorker = 0;
	const resumedOn: string[] = [];
	for (const dispatch of ending) {
		const execution = executionOf(dispatch.link) ?? '';
		const continued = posts.filter((post) => post.execution === execution);
		if (continued.length === 0) missing++;
		if (continued.length > 1) twice++;
		const queued = queuedBy.get(execution) ?? [];
		if (queued.length === 2 && queued.every((process) => process === 'webhook processor'))
			queuedByWebhookProcessor++;
		const jobs = workerJobs.get(execution) ?? [];
		if (jobs.length === 2) {
			twoWorkerJobs++;
			resumedOn.push(jobs[1]);
			if (jobs[0] !== jobs[1]) resumedOnOtherWorker++;
		}
		if (continued.length !== 1) continue;
		const [post] = continued;
		const end = ended.get(dispatch.conversationId);
		const own =
			post.outcome === 'ended' &&
			post.order === dispatch.order &&
			post.conversationOrder === dispatch.order &&
			post.conversationId === dispatch.conversationId &&
			post.transcript.includes(`order ${dispatch.order}:`) &&
			JSON.stringify(post.extraction) === JSON.stringify(end?.extraction) &&
			JSON.stringify(post.extraction) === JSON.stringify(EXPECTED_EXTRACTION);
		if (!own) {
			wrongEvent++;
			continue;
		}
		exactlyOnceWithOwnEvent++;
		if (end) latencies.push(post.arrivedMs - end.startedMs);
	}
	latencies.sort((a, b) => a - b);

	const endingExecutions = ending.map((dispatch) => executionOf(dispatch.link) ?? '');
	const timeoutExecution = timeoutDispatch ? (executionOf(timeoutDispatch.link) ?? '') : '';
	const timeoutPosts = posts.filter((post) => post.execution === timeoutExecution);
	const timeoutDeliveries = deliveries.filter(
		(delivery) => delivery.conversationId === timeoutDispatch?.conversationId,
	);
	const timeoutRow = observed.executions.get(timeoutExecution);
	const endingPosts = posts.filter((post) => post.execution !== timeoutExecution);

	return {
		name: DISPATCH_AND_WAIT_SCENARIO,
		workers: observed.workers,
		conversations: observed.spec.conversations,
		orders: {
			posted: observed.orders.length + 1,
			refused: observed.refused,
			dispatched: dispatches.length,
			resumeUrlsOnWebhookProcessor,
		},
		deliveries: {
			total: deliveries.length,
			byStatus: tally(deliveries.map((delivery) => String(delivery.status ?? 'no answer'))),
			notOk: tally(
				deliveries
					.filter((delivery) => delivery.status !== 200)
					.map(
						(delivery) =>
							`${delivery.eventType} ${delivery.status ?? `no answer (${delivery.error ?? 'unknown'})`}`,
					),
			),
			endsResumed: deliveries.filter(
				(delivery) =>
					endingIds.has(delivery.conversationId) &&
					delivery.eventType === 'onEnded' &&
					delivery.status === 200 &&
					resumed(delivery.responseBody),
			).length,
			othersResumed: deliveries.filter(
				(delivery) =>
					(delivery.eventType !== 'onEnded' || !endingIds.has(delivery.conversationId)) &&
					resumed(delivery.responseBody),
			).length,
		},
		executions: {
			byStatus: tally(
				endingExecutions.map((id) => observed.executions.get(id)?.status ?? 'not found'),
			),
			waitingPeak: observed.waitingPeak,
		},
		continued: {
			posts: endingPosts.length,
			exactlyOnceWithOwnEvent,
			wrongEvent,
			missing,
			twice,
		},
		processes: {
			queuedByWebhookProcessor,
			twoWorkerJobs,
			resumedOn: tally(resumedOn),
			resumedOnOtherWorker,
		},
		latency: {
			p50Ms: round(percentile(latencies, 0.5)),
			p99Ms: round(percentile(latencies, 0.99)),
			maxMs: round(latencies.at(-1) ?? 0),
		},
		timeout: {
			status: timeoutRow?.status ?? 'not found',
			outcome: timeoutPosts.length === 1 ? timeoutPosts[0].outcome : null,
			waitedMs:
				timeoutPosts.length === 1 && timeoutRow
					? timeoutPosts[0].arrivedMs - timeoutRow.createdMs
					: null,
			workerJobs: (workerJobs.get(timeoutExecution) ?? []).length,
			queuedBy: [...(queuedBy.get(timeoutExecution) ?? [])].sort(),
			eventsNotResuming: timeoutDeliveries.filter(
				(delivery) => delivery.status === 200 && !resumed(delivery.responseBody),
			).length,
			events: timeoutDeliveries.length,
		},
	};
}

export function waitScenarioChecks(result: WaitMeasured): WaitScenarioResult['checks'] {
	const n = result.conversations;
	const limitMs = TIMEOUT_LIMIT_MINUTES * 60_000;
	const check = (name: string, passed: boolean, detail: string) => ({
		check: name,
		passed,
		detail,
	});
	const { timeout } = result;
	return [
		check(
			'every order dispatched, each with its own resume URL on the webhook processor',
			result.orders.refused === 0 &&
				result.orders.dispatched === n + 1 &&
				result.orders.resumeUrlsOnWebhookProcessor === n + 1,
			`${result.orders.posted} orders posted (${result.orders.refused} refused), ${result.orders.dispatched} conversations dispatched, ${result.orders.resumeUrlsOnWebhookProcessor} distinct executions' resume URLs on the webhook processor with ?signature=`,
		),
		check(
			'every event answered 200; each end resumed its execution, nothing else resumed one',
			result.deliveries.total === (n + 1) * EVENTS_PER_CONVERSATION &&
				result.deliveries.byStatus['200'] === result.deliveries.total &&
				result.deliveries.endsResumed === n &&
				result.deliveries.othersResumed === 0,
			`${result.deliveries.total} events, answered ${JSON.stringify(result.deliveries.byStatus)} (not 200: ${JSON.stringify(result.deliveries.notOk)}); ${result.deliveries.endsResumed} onEnded resumed, ${result.deliveries.othersResumed} other events resumed`,
		),
		check(
			'every conversation continued exactly once, with its own event (none lost, none twice)',
			result.continued.exactlyOnceWithOwnEvent === n &&
				result.continued.posts === n &&
				result.executions.byStatus.success === n,
			`${result.continued.exactlyOnceWithOwnEvent} continued once with their own conversation, transcript and extraction; ${result.continued.wrongEvent} with another's, ${result.continued.missing} not, ${result.continued.twice} twice (${result.continued.posts} posts); executions ${JSON.stringify(result.executions.byStatus)}`,
		),
		check(
			'each execution queued twice by the webhook processor (order, end event) and run as two worker jobs',
			result.processes.queuedByWebhookProcessor === n && result.processes.twoWorkerJobs === n,
			`${result.processes.queuedByWebhookProcessor} of ${n} executions queued by the webhook processor only, twice; ${result.processes.twoWorkerJobs} run as two worker jobs; resumed parts per worker ${JSON.stringify(result.processes.resumedOn)}, ${result.processes.resumedOnOtherWorker} on another worker than their dispatch`,
		),
		check(
			`the conversation that never ends continues with timed_out after its ${TIMEOUT_LIMIT_MINUTES}-minute limit (main's wait tracker, a worker)`,
			timeout.status === 'success' &&
				timeout.outcome === 'timed_out' &&
				timeout.waitedMs !== null &&
				timeout.waitedMs >= limitMs &&
				timeout.waitedMs <= limitMs + WAIT_TRACKER_SLACK_MS &&
				timeout.workerJobs === 2 &&
				JSON.stringify(timeout.queuedBy) === JSON.stringify(['main', 'webhook processor']) &&
				timeout.events === EVENTS_PER_CONVERSATION &&
				timeout.eventsNotResuming === timeout.events,
			`execution ${timeout.status}, outcome ${timeout.outcome ?? 'none'} after ${timeout.waitedMs === null ? '—' : `${round(timeout.waitedMs / 1000, 1)} s`}; queued by ${timeout.queuedBy.join(' and ') || 'no process'}, ${timeout.workerJobs} worker jobs; ${timeout.eventsNotResuming} of its ${timeout.events} events answered 200 without resuming`,
		),
	];
}

export function printWaitScenario(result: WaitScenarioResult): void {
	console.log(
		[
			`Scenario ${result.name}: ${result.passed ? 'PASSED' : 'FAILED'}`,
			...result.checks.map(
				(check) => `  ${check.passed ? 'ok  ' : 'FAIL'} ${check.check}: ${check.detail}`,
			),
			`  figures: ${result.conversations} conversations (+1 never ending), waiting at once at most ${result.executions.waitingPeak}; resume latency (onEnded sent → next node's post) p50 ${result.latency.p50Ms} ms, p99 ${result.latency.p99Ms} ms, max ${result.latency.maxMs} ms`,
		].join('\n'),
	);
}

/** The scenario's lines under the scale-out section of BENCHMARKS.md. */
export function renderWaitScenario(result: WaitScenarioResult): string {
	return `Dispatch and Wait in this cluster (scenario *${result.name}*, ${result.passed ? 'passed' : '**failed**'}): ${result.conversations} executions
of Webhook → Dispatch and Wait → HTTP Request, each dispatched by a worker, parked as waiting (at most
${result.executions.waitingPeak} at once), resumed by onEnded through the webhook processor (it queued ${result.processes.queuedByWebhookProcessor} resumes) and continued by a worker
(${JSON.stringify(result.processes.resumedOn)}; ${result.processes.resumedOnOtherWorker} on another worker than their dispatch):
${result.continued.exactlyOnceWithOwnEvent} continued exactly once with their own extraction, ${result.continued.missing} lost, ${result.continued.twice} twice;
resume latency p50 ${result.latency.p50Ms} ms, p99 ${result.latency.p99Ms} ms. One more conversation that never ended continued with
\`${result.timeout.outcome ?? 'nothing'}\` after ${result.timeout.waitedMs === null ? '—' : `${round(result.timeout.waitedMs / 1000, 1)} s`} (limit ${TIMEOUT_LIMIT_MINUTES} min; main's wait tracker).`;
}

// ---------------------------------------------------------------- the collector

/** A Collect node's post, its ids as strings (n8n's expressions may send them as numbers). */
function postedOf({ body, arrivedMs }: CollectedPost): Posted {
	const posted = body as unknown as Omit<Posted, 'arrivedMs'>;
	return {
		...posted,
		execution: String(posted.execution),
		order: String(posted.order),
		conversationOrder: posted.conversationOrder === null ? null : String(posted.conversationOrder),
		arrivedMs,
	};
}
