/**
 * Trigger: events per second and response latency through the real n8n server, side by side:
 *
 * - A: Velents Agent Trigger (Any Event; Only This Agent's Events off; no required extraction
 *   fields; the credential HAS a webhook secret, as production should, so every event is verified)
 *   → No Operation;
 * - B: n8n's Webhook node (POST, Respond: Immediately) → No Operation: the baseline;
 * - C: the same Webhook node checking the same secret header with a Header Auth credential, a second
 *   baseline that reads a credential on every request as A does.
 *
 * The same payloads go to all three: the reference's onMessage event, each with its own conversation
 * id and message timestamp (the trigger drops an event whose type, agent, conversation and result it
 * has accepted before), each with the secret header (B ignores it). A load generator in this process
 * keeps `concurrency` requests in flight over keep-alive loopback connections, and at most
 * `inProgress` events whose execution has not finished (all three answer before their execution
 * runs, so an open loop would measure n8n's backlog). After a warm-up, each round sends the same
 * batch to each side in turn, the first side rotating; each burst ends when every execution it
 * started has finished.
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

import { WEBHOOK_SECRET_HEADER } from '../../nodes/shared/contract';
import { DEFAULT_AGENT_TOKEN, DEFAULT_WEBHOOK_SECRET } from '../sandbox/server';
import type { WorkflowEntity } from '../n8n/api';
import { productionWebhookUrl } from '../n8n/examples';
import type { WorkflowFile, WorkflowNode } from '../n8n/api';
import { sleep } from '../n8n/process';
import { referenceEvent } from '../contract/reference';
import type { BenchN8n } from './environment';
import { round } from '../figures/report';

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
	/** The longest a burst may take, its executions included. */
	burstLimitMs: number;
}

export const DEFAULT_TRIGGER_OPTIONS: TriggerOptions = {
	concurrency: 8,
	inProgress: 16,
	rounds: 3,
	eventsPerRound: 150,
	warmUpEvents: 50,
	burstLimitMs: 120_000,
};

export interface TriggerSide {
	node: string;
	/** Events sent (measured bursts only). */
	events: number;
	/** Answered 200 and accepted (the trigger did not answer `ignored`). */
	accepted: number;
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

export interface TriggerFigures {
	options: TriggerOptions;
	/** The trigger's credential has a webhook secret; every event carries it. */
	webhookSecret: boolean;
	velents: TriggerSide;
	webhook: TriggerSide;
	/**
	 * A second baseline, for the note: the Webhook node checking the same secret header with a Header
	 * Auth credential, i.e. reading a credential on every request as the Velents trigger does.
	 */
	webhookHeaderAuth: TriggerSide;
	/** A's events per second over B's: the target is at least 0.9. */
	throughputRatio: number;
	answersRatio: number;
	p50Ratio: number;
	p99Ratio: number;
	/** A's events per second over the Webhook node with Header Auth. */
	throughputRatioHeaderAuth: number;
}

interface Side {
	key: 'velents' | 'webhook' | 'webhookHeaderAuth';
	node: string;
	url: string;
	workflow: WorkflowEntity;
	/** Whether an answer means the event was taken (and an execution started). */
	accepts(status: number, body: string): boolean;
}

interface Burst {
	sent: number;
	accepted: number;
	failed: number;
	latenciesMs: number[];
	firstSentAt: number;
	answerMs: number;
	counts: ExecutionCounts;
}

export async function benchTrigger(
	env: BenchN8n,
	options: Partial<TriggerOptions> = {},
): Promise<TriggerFigures> {
	const settings = { ...DEFAULT_TRIGGER_OPTIONS, ...options };
	const { api, server, sandbox, installation } = env;

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
	const triggerWebhookId = randomUUID();
	const webhookPath = `bench-webhook-${randomUUID()}`;
	const velentsWorkflow = await api.createWorkflow(
		triggerWorkflow('Bench trigger: Velents Agent Trigger', {
			name: 'Velents Agent Trigger',
			type: 'n8n-nodes-velents.velentsAgentTrigger',
			typeVersion: 1,
			webhookId: triggerWebhookId,
			parameters: {
				events: ['*'],
				onlyThisAgent: false,
				requiredExtractionFields: '',
				options: {},
			},
			credentials: { velentsAgentApi: { id: credential.id, name: credential.name } },
		}),
	);
	const webhookWorkflow = await api.createWorkflow(
		triggerWorkflow('Bench trigger: Webhook node', {
			name: 'Webhook',
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2.1,
			webhookId: randomUUID(),
			parameters: {
				httpMethod: 'POST',
				path: webhookPath,
				responseMode: 'onReceived',
				options: {},
			},
		}),
	);
	const headerCredential = await api.createCredential({
		name: 'Velents webhook secret (Header Auth)',
		type: 'httpHeaderAuth',
		data: { name: WEBHOOK_SECRET_HEADER, value: DEFAULT_WEBHOOK_SECRET },
	});
	const authPath = `bench-webhook-auth-${randomUUID()}`;
	const headerAuthWorkflow = await api.createWorkflow(
		triggerWorkflow('Bench trigger: Webhook node with Header Auth', {
			name: 'Webhook',
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2.1,
			webhookId: randomUUID(),
			parameters: {
				httpMethod: 'POST',
				path: authPath,
				authentication: 'headerAuth',
				responseMode: 'onReceived',
				options: {},
			},
			credentials: { httpHeaderAuth: { id: headerCredential.id, name: headerCredential.name } },
		}),
	);
	for (const workflow of [velentsWorkflow, webhookWorkflow, headerAuthWorkflow])
		await api.activateWorkflow(workflow.id, workflow.versionId);

	const sides: Side[] = [
		{
			key: 'velents',
			node: 'Velents Agent Trigger (Any Event, secret checked)',
			url: productionWebhookUrl(server.webhookBaseUrl, triggerWebhookId),
			workflow: velentsWorkflow,
			accepts: (status, body) => status === 200 && !body.includes('"ignored"'),
		},
		{
			key: 'webhook',
			node: 'Webhook node 2.1 (POST, Respond: Immediately)',
			url: `${server.webhookBaseUrl}webhook/${webhookPath}`,
			workflow: webhookWorkflow,
			accepts: (status) => status === 200,
		},
		{
			key: 'webhookHeaderAuth',
			node: 'Webhook node 2.1 with Header Auth (same secret header)',
			url: `${server.webhookBaseUrl}webhook/${authPath}`,
			workflow: headerAuthWorkflow,
			accepts: (status) => status === 200,
		},
	];

	const watcher = new ExecutionWatcher(
		installation.nodeBinary,
		path.join(server.userFolder, '.n8n', 'database.sqlite'),
	);
	try {
		const events = new EventFactory();
		for (const side of sides) {
			await waitUntilLive(side, events.next(1)[0]);
			const warmUp = await fire(watcher, side, events.next(settings.warmUpEvents), settings);
			if (warmUp.failed > 0)
				throw new Error(`${side.node}: ${warmUp.failed} of the warm-up events failed.`);
		}

		const totals = Object.fromEntries(sides.map((side) => [side.key, emptyTotals()])) as Record<
			Side['key'],
			Totals
		>;
		for (let round = 0; round < settings.rounds; round++) {
			const bodies = events.next(settings.eventsPerRound);
			// Each round starts with the next side: A B C, B C A, C A B, …
			for (const side of [
				...sides.slice(round % sides.length),
				...sides.slice(0, round % sides.length),
			]) {
				const burst = await fire(watcher, side, bodies, settings);
				const total = totals[side.key];
				total.events += burst.sent;
				total.accepted += burst.accepted;
				total.failed += burst.failed;
				total.latenciesMs.push(...burst.latenciesMs);
				total.answerMs += burst.answerMs;
				total.processMs += Math.max(burst.counts.lastStoppedAt - burst.firstSentAt, burst.answerMs);
				total.started += burst.counts.started;
				total.finished += burst.counts.finished;
				total.succeeded += burst.counts.succeeded;
			}
		}
		const velents = summarise(sides[0].node, totals.velents);
		const webhook = summarise(sides[1].node, totals.webhook);
		const webhookHeaderAuth = summarise(sides[2].node, totals.webhookHeaderAuth);
		return {
			options: settings,
			webhookSecret: true,
			velents,
			webhook,
			webhookHeaderAuth,
			throughputRatioHeaderAuth: round(velents.eventsPerSecond / webhookHeaderAuth.eventsPerSecond),
			throughputRatio: round(velents.eventsPerSecond / webhook.eventsPerSecond),
			answersRatio: round(velents.answersPerSecond / webhook.answersPerSecond),
			p50Ratio: round(velents.p50Ms / webhook.p50Ms),
			p99Ratio: round(velents.p99Ms / webhook.p99Ms),
		};
	} finally {
		watcher.stop();
	}
}

interface Totals {
	events: number;
	accepted: number;
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

function percentile(sorted: readonly number[], fraction: number): number {
	if (sorted.length === 0) return 0;
	return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)];
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

/** The reference's onMessage event, each one a new conversation with its own message time. */
class EventFactory {
	private readonly template = referenceEvent('onMessage');
	private count = 0;
	private readonly start = Date.parse('2025-11-13T23:25:10Z');

	next(how: number): string[] {
		return Array.from({ length: how }, () => {
			const index = this.count++;
			const event = structuredClone(this.template) as unknown as {
				conversation: { id: number };
				result: { message: { timestamp: string } };
			};
			event.conversation.id = 100_000 + index;
			event.result.message.timestamp = `${new Date(this.start + index * 1000).toISOString().slice(0, 19)}Z`;
			return JSON.stringify(event);
		});
	}
}

/** Posts until the production webhook answers as registered (n8n registers it on activation). */
async function waitUntilLive(side: Side, body: string, timeoutMs = 30_000): Promise<void> {
	const agent = new http.Agent({ keepAlive: false });
	const deadline = Date.now() + timeoutMs;
	try {
		for (;;) {
			const answer = await post(agent, side.url, body).catch(() => ({ status: 0, body: '' }));
			if (side.accepts(answer.status, answer.body)) return;
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

/**
 * Sends `bodies` with at most `concurrency` requests in flight and at most `inProgress` events whose
 * execution has not finished, then waits for the executions. The watcher starts counting (and the
 * previous burst has drained) before the first request.
 */
async function fire(
	watcher: ExecutionWatcher,
	side: Side,
	bodies: readonly string[],
	options: TriggerOptions,
): Promise<Burst> {
	const deadline = Date.now() + options.burstLimitMs;
	await watcher.watch(side.workflow.id);
	await watcher.until((counts) => counts.running === 0, options.burstLimitMs);
	const agent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency });
	const latenciesMs: number[] = [];
	let next = 0;
	let accepted = 0;
	let failed = 0;
	// Room in the window: the waiting senders look again on each reading of the executions table.
	const waiting = new Set<() => void>();
	const unsubscribe = watcher.onReading(() => {
		for (const resolve of waiting) resolve();
		waiting.clear();
	});
	const room = async (): Promise<void> => {
		while (
			next - failed - watcher.current.finished >= options.inProgress &&
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
			if (side.accepts(answer.status, answer.body)) accepted++;
			else failed++;
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
		(current) => current.finished >= accepted && current.running === 0,
		Math.max(1000, deadline - Date.now()),
	);
	return { sent: latenciesMs.length, accepted, failed, latenciesMs, firstSentAt, answerMs, counts };
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

class ExecutionWatcher {
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
