/**
 * Trigger: events per second and response latency through the real n8n server, side by side.
 *
 * Scenarios, each with the same payloads for every side:
 * - intake: Velents Agent Trigger (Any Event; Only This Agent's Events off; no required extraction
 *   fields; the credential HAS a webhook secret, as production should, so every event is verified)
 *   → No Operation, against n8n's Webhook node (POST, Respond: Immediately) → No Operation, and the
 *   same Webhook node checking the same secret header with a Header Auth credential (a baseline that
 *   reads a credential on every request). The reference's onMessage event, each with its own
 *   conversation id and message timestamp.
 * - ignored: 3 of 4 events not selected (the trigger selects Conversation Ended; three onMessage
 *   events go with each onEnded) against the plain Webhook node answering the same requests.
 * - largest: events of exactly the largest body the trigger accepts (MAX_EVENT_BYTES: an onEnded
 *   with a long history), Velents against the plain Webhook node; and one event of 7.8 MB, which
 *   the trigger answers 413.
 * - legacy: the intake scenario again in a second n8n started with `N8N_EXPRESSION_ENGINE=legacy`
 *   (no expression isolates), in the same bench run.
 * Besides, in this process: the bytes each remembered delivery costs (DeliveryMemory filled to its
 * capacity).
 *
 * A load generator in this process keeps `concurrency` requests in flight over keep-alive loopback
 * connections, and at most `inProgress` events whose execution has not finished (every side answers
 * before its execution runs, so an open loop would measure n8n's backlog). After a warm-up, each
 * round sends the same batch to each side in turn, the first side rotating; each burst ends when
 * every execution it started has finished.
 *
 * Figures per side: events per second from the first request sent to the last execution finished
 * (n8n's `stoppedAt`), answers per second, p50/p99 latency of the answers, executions started,
 * finished and succeeded, read from n8n's executions table (see ExecutionWatcher). Executions are
 * saved as n8n saves them by default (success and error, no progress saving), the same for all:
 * not saving a successful run would not spare the database, since n8n 2.41 inserts the row at the
 * start either way and then deletes it instead of updating it (`hookFunctionsSave`).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import { runInNewContext } from 'node:vm';
import v8 from 'node:v8';

import { WEBHOOK_SECRET_HEADER } from '../../nodes/shared/contract';
import {
	DELIVERY_LIMITS,
	DeliveryMemory,
	deliveryKey,
} from '../../nodes/VelentsAgentTrigger/deduplication';
import { MAX_EVENT_BYTES } from '../../nodes/VelentsAgentTrigger/incoming';
import { DEFAULT_AGENT_TOKEN, DEFAULT_WEBHOOK_SECRET } from '../sandbox/server';
import type { N8nApi, WorkflowEntity, WorkflowFile, WorkflowNode } from '../n8n/api';
import { productionWebhookUrl } from '../n8n/examples';
import { sleep } from '../n8n/process';
import { referenceEvent } from '../contract/reference';
import type { BenchN8n } from './environment';
import { percentile, round } from '../figures/report';
import { postWebhookNode } from './workflowNodes';

export interface TriggerOptions {
	/** HTTP requests in flight at once. */
	concurrency: number;
	/**
	 * Events in progress at once: sent, and their execution not finished. Both nodes answer before the
	 * execution runs, so without this bound the sender outruns n8n and the backlog (hundreds of
	 * executions writing to SQLite at once) is what gets measured: seen here as n8n's SQLite write
	 * lock timing out after 60 s.
	 */
	inProgress: number;
	/** Measured bursts per side; the side that goes first rotates. */
	rounds: number;
	eventsPerRound: number;
	/** Events per side before measuring (not counted). */
	warmUpEvents: number;
	/** Largest-body events per side and round (they are sent 2 at a time). */
	largestPerRound: number;
	/** The longest a burst may take, its executions included. */
	burstLimitMs: number;
}

export const DEFAULT_TRIGGER_OPTIONS: TriggerOptions = {
	concurrency: 8,
	inProgress: 16,
	rounds: 3,
	eventsPerRound: 160,
	warmUpEvents: 48,
	largestPerRound: 10,
	burstLimitMs: 180_000,
};

/** The body the trigger answers 413 to in the largest scenario: the size that blocked n8n for 2.7 s. */
const OVERSIZED_BYTES = 7.8 * 1000 * 1000;

export interface TriggerSide {
	node: string;
	/** Events sent (measured bursts only). */
	events: number;
	/** Answered 200 and taken: an execution was started. */
	accepted: number;
	/** Answered 200 and ignored by the trigger (not selected, duplicate…): no execution. */
	ignored: number;
	/** Any other answer, or no answer. */
	failed: number;
	/** Executions n8n created for the measured events, finished, and succeeded. */
	executionsStarted: number;
	executionsFinished: number;
	executionsSucceeded: number;
	/** Events over the time from the first request sent to the last execution finished. */
	eventsPerSecond: number;
	/** Answers over the time the answers took (first request to last answer, per burst). */
	answersPerSecond: number;
	p50Ms: number;
	p99Ms: number;
	maxMs: number;
	/** Summed over the bursts: first request → last execution finished. */
	processMs: number;
	/** Summed over the bursts: first request → last answer. */
	answerMs: number;
}

/** Velents against the plain Webhook node in one scenario. */
export interface TriggerComparison {
	velents: TriggerSide;
	webhook: TriggerSide;
	/** Velents' events per second over the Webhook node's. */
	throughputRatio: number;
	p50Ratio: number;
	p99Ratio: number;
}

export interface TriggerFigures {
	options: TriggerOptions;
	/** The trigger's credential has a webhook secret; every event carries it. */
	webhookSecret: boolean;
	/** Every event accepted, default expression engine. */
	intake: TriggerComparison & {
		/** The Webhook node checking the same secret header with a Header Auth credential. */
		webhookHeaderAuth: TriggerSide;
		/** Velents' events per second over the Webhook node with Header Auth: the target is ≥ 1.0. */
		throughputRatioHeaderAuth: number;
	};
	/** 3 of 4 events not selected, default engine. */
	ignored: TriggerComparison;
	/** Events of exactly MAX_EVENT_BYTES; and one far larger one. */
	largest: TriggerComparison & {
		bytes: number;
		/** Velents' time per event at that size: 1000 / events per second. */
		velentsMsPerEvent: number;
		webhookMsPerEvent: number;
		oversized: { bytes: number; status: number; latencyMs: number };
	};
	/** Every event accepted, in an n8n started with N8N_EXPRESSION_ENGINE=legacy: the target is ≥ 0.9. */
	legacy: TriggerComparison;
	/** What remembering accepted deliveries costs (DeliveryMemory at its capacity). */
	memory: DeliveryMemoryFigures;
}

export interface DeliveryMemoryFigures {
	capacity: number;
	windowSeconds: number;
	/** V8 heap per remembered event, measured with the memory full. */
	bytesPerEvent: number;
	/** The whole memory at capacity. */
	totalMb: number;
}

type Outcome = 'started' | 'ignored' | 'failed';

export interface Side {
	node: string;
	url: string;
	workflow: WorkflowEntity;
	/** Counts the executions of the n8n the side runs in. */
	watcher: ExecutionWatcher;
	classify(status: number, body: string): Outcome;
}

interface Burst {
	sent: number;
	started: number;
	ignored: number;
	failed: number;
	latenciesMs: number[];
	firstSentAt: number;
	answerMs: number;
	counts: ExecutionCounts;
}

const classifyVelents = (status: number, body: string): Outcome =>
	status !== 200 ? 'failed' : body.includes('"ignored"') ? 'ignored' : 'started';
const classifyWebhook = (status: number): Outcome => (status === 200 ? 'started' : 'failed');

/** The workflows of one n8n: Velents Agent Trigger (all events, or Conversation Ended only), Webhook node, Webhook node + Header Auth. */
export interface BenchWorkflows {
	velents: Side;
	velentsEndedOnly: Side;
	webhook: Side;
	webhookHeaderAuth: Side;
}

export async function benchTrigger(
	env: BenchN8n,
	startLegacyN8n: () => Promise<BenchN8n & { stop(): Promise<void> }>,
	options: Partial<TriggerOptions> = {},
): Promise<TriggerFigures> {
	const settings = { ...DEFAULT_TRIGGER_OPTIONS, ...options };
	const onDefault = await runScenarios(env, settings, { withLargest: true });
	const legacyEnv = await startLegacyN8n();
	let onLegacy: ScenarioResults;
	try {
		onLegacy = await runScenarios(legacyEnv, settings, { withLargest: false });
	} finally {
		await legacyEnv.stop();
	}

	// Last: filling the memory blocks this process for seconds, long enough for n8n to close the
	// idle keep-alive connection of the REST client under it (the next request then fails).
	const memory = measureDeliveryMemory();
	const { intake, ignored, largest } = onDefault;
	const largestSides = largest as NonNullable<ScenarioResults['largest']>;
	return {
		options: settings,
		webhookSecret: true,
		intake: {
			...compare(intake.velents, intake.webhook),
			webhookHeaderAuth: intake.webhookHeaderAuth,
			throughputRatioHeaderAuth: round(
				intake.velents.eventsPerSecond / intake.webhookHeaderAuth.eventsPerSecond,
			),
		},
		ignored: compare(ignored.velents, ignored.webhook),
		largest: {
			...compare(largestSides.velents, largestSides.webhook),
			bytes: MAX_EVENT_BYTES,
			velentsMsPerEvent: round(1000 / largestSides.velents.eventsPerSecond),
			webhookMsPerEvent: round(1000 / largestSides.webhook.eventsPerSecond),
			oversized: largestSides.oversized,
		},
		legacy: compare(onLegacy.intake.velents, onLegacy.intake.webhook),
		memory,
	};
}

function compare(velents: TriggerSide, webhook: TriggerSide): TriggerComparison {
	return {
		velents,
		webhook,
		throughputRatio: round(velents.eventsPerSecond / webhook.eventsPerSecond, 3),
		p50Ratio: round(velents.p50Ms / webhook.p50Ms),
		p99Ratio: round(velents.p99Ms / webhook.p99Ms),
	};
}

interface ScenarioResults {
	intake: { velents: TriggerSide; webhook: TriggerSide; webhookHeaderAuth: TriggerSide };
	ignored: { velents: TriggerSide; webhook: TriggerSide };
	largest?: {
		velents: TriggerSide;
		webhook: TriggerSide;
		oversized: { bytes: number; status: number; latencyMs: number };
	};
}

/**
 * The bench's workflows in one n8n, live, and the watcher of its executions table: stop the watcher
 * when done.
 */
export async function openWorkflows(
	env: BenchN8n,
	events: EventFactory,
): Promise<{ workflows: BenchWorkflows; watcher: ExecutionWatcher }> {
	const watcher = new ExecutionWatcher(
		env.installation.nodeBinary,
		path.join(env.server.userFolder, '.n8n', 'database.sqlite'),
	);
	try {
		const workflows = await createWorkflows(env, watcher);
		for (const side of Object.values(workflows))
			await waitUntilLive(side, events.next(1, 'onEnded')[0]);
		return { workflows, watcher };
	} catch (error) {
		watcher.stop();
		throw error;
	}
}

async function runScenarios(
	env: BenchN8n,
	settings: TriggerOptions,
	{ withLargest }: { withLargest: boolean },
): Promise<ScenarioResults> {
	const events = new EventFactory();
	const { workflows, watcher } = await openWorkflows(env, events);
	try {
		const intake = await measure(settings, {
			sides: {
				velents: workflows.velents,
				webhook: workflows.webhook,
				webhookHeaderAuth: workflows.webhookHeaderAuth,
			},
			bodies: (how) => events.next(how, 'onMessage'),
		});
		// Three onMessage (not selected) for each onEnded (selected).
		const ignored = await measure(settings, {
			sides: { velents: workflows.velentsEndedOnly, webhook: workflows.webhook },
			bodies: (how) =>
				Array.from({ length: how }, (_, index) =>
					events.next(1, index % 4 === 3 ? 'onEnded' : 'onMessage'),
				).flat(),
		});
		if (!withLargest) return { intake, ignored };

		const bigSettings = {
			...settings,
			concurrency: 2,
			inProgress: 4,
			eventsPerRound: settings.largestPerRound,
			warmUpEvents: 2,
		};
		const largest = await measure(bigSettings, {
			sides: { velents: workflows.velents, webhook: workflows.webhook },
			bodies: (how) => events.largest(how, MAX_EVENT_BYTES),
		});
		const oversized = await sendOnce(workflows.velents.url, events.largest(1, OVERSIZED_BYTES)[0]);
		return { intake, ignored, largest: { ...largest, oversized } };
	} finally {
		watcher.stop();
	}
}

async function createWorkflows(env: BenchN8n, watcher: ExecutionWatcher): Promise<BenchWorkflows> {
	const { api, server, sandbox } = env;
	const credential = await api.createCredential({
		name: 'Velents Agent (bench trigger)',
		type: 'velentsAgentApi',
		data: {
			token: DEFAULT_AGENT_TOKEN,
			baseUrl: sandbox.url,
			rateLimitWindowSeconds: 60,
			webhookSecret: DEFAULT_WEBHOOK_SECRET,
		},
	});
	const headerCredential = await api.createCredential({
		name: 'Velents webhook secret (Header Auth)',
		type: 'httpHeaderAuth',
		data: { name: WEBHOOK_SECRET_HEADER, value: DEFAULT_WEBHOOK_SECRET },
	});

	const velentsSide = async (node: string, events: string[]): Promise<Side> => {
		const webhookId = randomUUID();
		const workflow = await activeWorkflow(api, `Bench trigger: ${node}`, {
			name: 'Velents Agent Trigger',
			type: 'n8n-nodes-velents.velentsAgentTrigger',
			typeVersion: 1,
			webhookId,
			parameters: { events, onlyThisAgent: false, requiredExtractionFields: '', options: {} },
			credentials: { velentsAgentApi: { id: credential.id, name: credential.name } },
		});
		const url = productionWebhookUrl(server.webhookBaseUrl, webhookId);
		return { node, url, workflow, watcher, classify: classifyVelents };
	};
	const webhookSide = async (node: string, headerAuth: boolean): Promise<Side> => {
		const webhookPath = `bench-webhook-${randomUUID()}`;
		const workflow = await activeWorkflow(api, `Bench trigger: ${node}`, {
			...postWebhookNode(webhookPath, headerAuth ? { authentication: 'headerAuth' } : {}),
			...(headerAuth
				? {
						credentials: {
							httpHeaderAuth: { id: headerCredential.id, name: headerCredential.name },
						},
					}
				: {}),
		});
		const url = `${server.webhookBaseUrl}webhook/${webhookPath}`;
		return { node, url, workflow, watcher, classify: classifyWebhook };
	};

	return {
		velents: await velentsSide('Velents Agent Trigger (Any Event, secret checked)', ['*']),
		velentsEndedOnly: await velentsSide(
			'Velents Agent Trigger (Conversation Ended only, secret checked)',
			['onEnded'],
		),
		webhook: await webhookSide('Webhook node 2.1 (POST, Respond: Immediately)', false),
		webhookHeaderAuth: await webhookSide(
			'Webhook node 2.1 with Header Auth (same secret header)',
			true,
		),
	};
}

async function activeWorkflow(
	api: N8nApi,
	name: string,
	trigger: Omit<WorkflowNode, 'id' | 'position'>,
): Promise<WorkflowEntity> {
	const workflow = await api.createWorkflow(triggerWorkflow(name, trigger));
	await api.activateWorkflow(workflow.id, workflow.versionId);
	return workflow;
}

/** A warm-up per side, then `rounds` bursts of the same bodies to each side, the first side rotating. */
export async function measure<K extends string>(
	settings: TriggerOptions,
	scenario: { sides: Record<K, Side>; bodies: (how: number) => string[] },
): Promise<Record<K, TriggerSide>> {
	const entries = Object.entries(scenario.sides) as Array<[K, Side]>;
	for (const [, side] of entries) {
		const warmUp = await fire(side, scenario.bodies(settings.warmUpEvents), settings);
		if (warmUp.failed > 0)
			throw new Error(`${side.node}: ${warmUp.failed} of the warm-up events failed.`);
	}
	const totals = new Map<K, Totals>(entries.map(([key]) => [key, emptyTotals()]));
	for (let turn = 0; turn < settings.rounds; turn++) {
		const bodies = scenario.bodies(settings.eventsPerRound);
		const order = [
			...entries.slice(turn % entries.length),
			...entries.slice(0, turn % entries.length),
		];
		for (const [key, side] of order) {
			const burst = await fire(side, bodies, settings);
			const total = totals.get(key) as Totals;
			total.events += burst.sent;
			total.accepted += burst.started;
			total.ignored += burst.ignored;
			total.failed += burst.failed;
			total.latenciesMs.push(...burst.latenciesMs);
			total.answerMs += burst.answerMs;
			total.processMs += Math.max(burst.counts.lastStoppedAt - burst.firstSentAt, burst.answerMs);
			total.started += burst.counts.started;
			total.finished += burst.counts.finished;
			total.succeeded += burst.counts.succeeded;
		}
	}
	return Object.fromEntries(
		entries.map(([key, side]) => [key, summarise(side.node, totals.get(key) as Totals)]),
	) as Record<K, TriggerSide>;
}

interface Totals {
	events: number;
	accepted: number;
	ignored: number;
	failed: number;
	started: number;
	finished: number;
	succeeded: number;
	latenciesMs: number[];
	answerMs: number;
	processMs: number;
}

function emptyTotals(): Totals {
	return {
		events: 0,
		accepted: 0,
		ignored: 0,
		failed: 0,
		started: 0,
		finished: 0,
		succeeded: 0,
		latenciesMs: [],
		answerMs: 0,
		processMs: 0,
	};
}

function summarise(node: string, totals: Totals): TriggerSide {
	const sorted = [...totals.latenciesMs].sort((a, b) => a - b);
	return {
		node,
		events: totals.events,
		accepted: totals.accepted,
		ignored: totals.ignored,
		failed: totals.failed,
		executionsStarted: totals.started,
		executionsFinished: totals.finished,
		executionsSucceeded: totals.succeeded,
		eventsPerSecond: round((totals.events * 1000) / totals.processMs),
		answersPerSecond: round((totals.events * 1000) / totals.answerMs),
		p50Ms: round(percentile(sorted, 0.5)),
		p99Ms: round(percentile(sorted, 0.99)),
		maxMs: round(sorted[sorted.length - 1] ?? 0),
		processMs: Math.round(totals.processMs),
		answerMs: Math.round(totals.answerMs),
	};
}

/**
 * The V8 heap a DeliveryMemory holds when full: filled to its capacity with keys as the trigger
 * makes them, measured after garbage collection before and after.
 */
function measureDeliveryMemory(): DeliveryMemoryFigures {
	v8.setFlagsFromString('--expose-gc');
	const gc = runInNewContext('gc') as () => void;
	const { capacity, windowSeconds } = DELIVERY_LIMITS;
	gc();
	const before = process.memoryUsage().heapUsed;
	const memory = new DeliveryMemory();
	const now = Date.now();
	for (let index = 0; index < capacity; index++)
		memory.isDuplicate(deliveryKey('bench\u0000trigger', Buffer.from(`event ${index}`)), now);
	gc();
	const used = process.memoryUsage().heapUsed - before;
	if (memory.size !== capacity) throw new Error(`DeliveryMemory held ${memory.size} keys.`);
	return {
		capacity,
		windowSeconds,
		bytesPerEvent: round(used / capacity, 1),
		totalMb: round(used / 1e6, 1),
	};
}

/** Trigger → No Operation, saved as n8n saves executions by default. */
function triggerWorkflow(
	name: string,
	trigger: Omit<WorkflowNode, 'id' | 'position'>,
): WorkflowFile {
	return {
		name,
		nodes: [
			{ ...trigger, id: randomUUID(), position: [0, 0] },
			{
				id: randomUUID(),
				name: 'Done',
				type: 'n8n-nodes-base.noOp',
				typeVersion: 1,
				position: [220, 0],
				parameters: {},
			},
		],
		connections: { [trigger.name]: { main: [[{ node: 'Done', type: 'main', index: 0 }]] } },
		settings: {
			executionOrder: 'v1',
			saveDataSuccessExecution: 'all',
			saveDataErrorExecution: 'all',
			saveExecutionProgress: false,
		},
	};
}

/** Reference events, each of a new conversation with its own message time. */
export class EventFactory {
	private count = 0;
	private readonly start = Date.parse('2025-11-13T23:25:10Z');

	next(how: number, type: 'onMessage' | 'onEnded'): string[] {
		return Array.from({ length: how }, () => JSON.stringify(this.event(type)));
	}

	/**
	 * onEnded events of exactly `bytes` bytes: a conversation history long enough to fill them (the
	 * largest events Velents sends), topped up to the byte with the last message.
	 */
	largest(how: number, bytes: number): string[] {
		return Array.from({ length: how }, () => {
			const event = this.event('onEnded') as unknown as {
				result: { history: Array<{ role: string; message: string; timestamp: string }> };
			};
			const [first] = event.result.history;
			const entry = Buffer.byteLength(JSON.stringify(first)) + 1;
			const room = bytes - Buffer.byteLength(JSON.stringify(event));
			const fill = Math.max(0, Math.floor(room / entry) - 1);
			for (let index = 0; index < fill; index++) event.result.history.push({ ...first });
			const last = event.result.history[event.result.history.length - 1];
			last.message += 'x'.repeat(bytes - Buffer.byteLength(JSON.stringify(event)));
			return JSON.stringify(event);
		});
	}

	private event(type: 'onMessage' | 'onEnded'): Record<string, unknown> {
		const index = this.count++;
		const event = referenceEvent(type) as unknown as {
			conversation: { id: number };
			result: { message?: { timestamp: string } };
		};
		event.conversation.id = 100_000 + index;
		if (event.result.message)
			event.result.message.timestamp = `${new Date(this.start + index * 1000).toISOString().slice(0, 19)}Z`;
		return event;
	}
}

/** Posts until the production webhook answers as registered (n8n registers it on activation). */
async function waitUntilLive(side: Side, body: string, timeoutMs = 30_000): Promise<void> {
	const agent = new http.Agent({ keepAlive: false });
	const deadline = Date.now() + timeoutMs;
	try {
		for (;;) {
			const answer = await post(agent, side.url, body).catch(() => ({ status: 0, body: '' }));
			if (side.classify(answer.status, answer.body) !== 'failed') return;
			if (Date.now() > deadline)
				throw new Error(
					`${side.node}: ${side.url} not live after ${timeoutMs} ms (HTTP ${answer.status}).`,
				);
			await sleep(250);
		}
	} finally {
		agent.destroy();
	}
}

/** One request on a connection of its own: its status and how long the answer took. */
async function sendOnce(
	url: string,
	body: string,
): Promise<{ bytes: number; status: number; latencyMs: number }> {
	const agent = new http.Agent({ keepAlive: false });
	const sentAt = process.hrtime.bigint();
	try {
		const answer = await post(agent, url, body).catch(() => ({ status: 0, body: '' }));
		const latencyMs = round(Number(process.hrtime.bigint() - sentAt) / 1e6);
		return { bytes: Buffer.byteLength(body), status: answer.status, latencyMs };
	} finally {
		agent.destroy();
	}
}

/**
 * Sends `bodies` with at most `concurrency` requests in flight and at most `inProgress` events whose
 * execution has not finished, then waits for the executions. The watcher starts counting (and the
 * previous burst has drained) before the first request.
 */
async function fire(
	side: Side,
	bodies: readonly string[],
	options: TriggerOptions,
): Promise<Burst> {
	const { watcher } = side;
	const deadline = Date.now() + options.burstLimitMs;
	await watcher.watch(side.workflow.id);
	await watcher.until((counts) => counts.running === 0, options.burstLimitMs);
	const agent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency });
	const latenciesMs: number[] = [];
	let next = 0;
	const outcomes: Record<Outcome, number> = { started: 0, ignored: 0, failed: 0 };
	// Room in the window: the waiting senders look again on each reading of the executions table.
	const waiting = new Set<() => void>();
	const unsubscribe = watcher.onReading(() => {
		for (const resolve of waiting) resolve();
		waiting.clear();
	});
	const room = async (): Promise<void> => {
		while (
			next - outcomes.failed - outcomes.ignored - watcher.current.finished >= options.inProgress &&
			Date.now() < deadline
		) {
			await new Promise<void>((resolve) => {
				waiting.add(resolve);
				setTimeout(resolve, 100); // in case the readings stop
			});
		}
	};
	const firstSentAt = Date.now();
	const started = process.hrtime.bigint();
	const worker = async (): Promise<void> => {
		for (;;) {
			await room();
			if (next >= bodies.length || Date.now() >= deadline) return;
			const body = bodies[next++];
			const sentAt = process.hrtime.bigint();
			const answer = await post(agent, side.url, body).catch(() => ({ status: 0, body: '' }));
			latenciesMs.push(Number(process.hrtime.bigint() - sentAt) / 1e6);
			outcomes[side.classify(answer.status, answer.body)]++;
		}
	};
	try {
		await Promise.all(Array.from({ length: options.concurrency }, worker));
	} finally {
		unsubscribe();
		agent.destroy();
	}
	const answerMs = Number(process.hrtime.bigint() - started) / 1e6;
	if (latenciesMs.length < bodies.length)
		throw new Error(
			`${side.node}: only ${latenciesMs.length} of ${bodies.length} events sent within ${options.burstLimitMs} ms.`,
		);
	const counts = await watcher.until(
		(current) => current.finished >= outcomes.started && current.running === 0,
		Math.max(1000, deadline - Date.now()),
	);
	return {
		sent: latenciesMs.length,
		...outcomes,
		latenciesMs,
		firstSentAt,
		answerMs,
		counts,
	};
}

function post(
	agent: http.Agent,
	url: string,
	body: string,
): Promise<{ status: number; body: string }> {
	const payload = Buffer.from(body);
	return new Promise((resolve, reject) => {
		const request = http.request(
			url,
			{
				method: 'POST',
				agent,
				timeout: 30_000,
				headers: {
					'content-type': 'application/json',
					'content-length': payload.length,
					[WEBHOOK_SECRET_HEADER]: DEFAULT_WEBHOOK_SECRET,
				},
			},
			(response) => {
				const chunks: Buffer[] = [];
				response.on('data', (chunk: Buffer) => chunks.push(chunk));
				response.on('end', () =>
					resolve({
						status: response.statusCode ?? 0,
						body: Buffer.concat(chunks).toString('utf8'),
					}),
				);
				response.on('error', reject);
			},
		);
		request.on('timeout', () => request.destroy(new Error('timed out')));
		request.on('error', reject);
		request.end(payload);
	});
}

/** What the watcher last read for the watched workflow. */
interface ExecutionCounts {
	/** Executions created since the watch began. */
	started: number;
	/** …of which finished (any outcome), and succeeded. */
	finished: number;
	succeeded: number;
	/** Executions of the workflow not finished yet (since whenever). */
	running: number;
	/** Epoch ms of the latest `stoppedAt` since the watch began; 0 when none. */
	lastStoppedAt: number;
}

/**
 * Reads n8n's executions table while the load runs, without asking n8n: a Node.js process of the
 * n8n installation (Node 24 has `node:sqlite`) opens the database read-only (n8n runs SQLite in WAL
 * mode, where a reader does not block the writer) and prints the counts of the watched workflow
 * every POLL_MS. Asking n8n's REST API instead would spend n8n's own time on the polls.
 */
const POLL_MS = 20;
const WATCHER = `
const { DatabaseSync } = require('node:sqlite');
const db = new DatabaseSync(process.argv[1], { readOnly: true });
const maxId = db.prepare('SELECT COALESCE(MAX(id), 0) AS id FROM execution_entity');
const counts = db.prepare(\`SELECT COUNT(*) AS started, COUNT(stoppedAt) AS finished,
  COALESCE(SUM(status = 'success'), 0) AS succeeded, MAX(stoppedAt) AS last
  FROM execution_entity WHERE workflowId = ? AND id > ?\`);
const running = db.prepare(\`SELECT COUNT(*) AS running FROM execution_entity
  WHERE workflowId = ? AND status IN ('new', 'running')\`);
let watch = null;
let pending = '';
process.stdin.on('data', (chunk) => {
  pending += chunk;
  const lines = pending.split('\\n');
  pending = lines.pop();
  for (const line of lines) if (line.trim()) watch = { workflowId: line.trim(), after: maxId.get().id };
});
process.stdin.on('end', () => process.exit(0));
setInterval(() => {
  if (!watch) return;
  const row = counts.get(watch.workflowId, watch.after);
  const { running: open } = running.get(watch.workflowId);
  process.stdout.write(JSON.stringify({ workflowId: watch.workflowId, ...row, running: open }) + '\\n');
}, ${POLL_MS});
`;

export class ExecutionWatcher {
	private readonly child: ChildProcess;
	private latest: (ExecutionCounts & { workflowId: string }) | null = null;
	private workflowId = '';
	private readonly listeners = new Set<() => void>();
	private failure: Error | null = null;

	constructor(nodeBinary: string, databaseFile: string) {
		this.child = spawn(nodeBinary, ['--no-warnings', '-e', WATCHER, databaseFile], {
			stdio: ['pipe', 'pipe', 'pipe'],
		});
		let buffered = '';
		let errors = '';
		this.child.stdout?.on('data', (chunk: Buffer) => {
			buffered += chunk.toString('utf8');
			const lines = buffered.split('\n');
			buffered = lines.pop() ?? '';
			const last = lines.filter(Boolean).pop();
			if (!last) return;
			const row = JSON.parse(last) as {
				workflowId: string;
				started: number;
				finished: number;
				succeeded: number;
				running: number;
				last: string | null;
			};
			if (row.workflowId !== this.workflowId) return;
			// SQLite keeps n8n's dates as 'YYYY-MM-DD HH:MM:SS.SSS' in UTC.
			this.latest = {
				...row,
				lastStoppedAt: row.last ? Date.parse(`${row.last.replace(' ', 'T')}Z`) : 0,
			};
			for (const listener of this.listeners) listener();
		});
		this.child.stderr?.on('data', (chunk: Buffer) => void (errors += chunk.toString('utf8')));
		this.child.on('exit', (code) => {
			if (code)
				this.failure = new Error(
					`The executions watcher exited with ${code}: ${errors.trim().slice(-500)}`,
				);
			for (const listener of this.listeners) listener();
		});
	}

	/** Counts the workflow's executions from now on; resolves with the first reading. */
	async watch(workflowId: string): Promise<ExecutionCounts> {
		this.workflowId = workflowId;
		this.latest = null;
		this.child.stdin?.write(`${workflowId}\n`);
		return await this.until(() => true, 10_000);
	}

	get current(): ExecutionCounts {
		return this.latest ?? { started: 0, finished: 0, succeeded: 0, running: 0, lastStoppedAt: 0 };
	}

	/** Resolves once a reading satisfies the predicate; rejects after `timeoutMs`. */
	until(
		predicate: (counts: ExecutionCounts) => boolean,
		timeoutMs: number,
	): Promise<ExecutionCounts> {
		return new Promise((resolve, reject) => {
			const timer = setTimeout(() => {
				this.listeners.delete(check);
				reject(
					new Error(
						`Executions did not reach the expected state within ${timeoutMs} ms (last reading: ${JSON.stringify(this.latest)}).`,
					),
				);
			}, timeoutMs);
			const check = (): void => {
				if (this.failure) {
					clearTimeout(timer);
					this.listeners.delete(check);
					reject(this.failure);
				} else if (this.latest && predicate(this.latest)) {
					clearTimeout(timer);
					this.listeners.delete(check);
					resolve(this.latest);
				}
			};
			this.listeners.add(check);
			check();
		});
	}

	/** Called on each reading (for the load generator's window). */
	onReading(listener: () => void): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	stop(): void {
		this.child.stdin?.end();
		this.child.kill();
	}
}
