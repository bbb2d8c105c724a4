/**
 * Dispatch and Wait with 1,000 executions waiting at once in a real n8n, side by side with the
 * two-workflow pattern it replaces:
 *
 * - A (Dispatch and Wait): Webhook → Velents Agent "Dispatch and Wait" → HTTP Request to a collector
 *   in this process. Every conversation is one execution that waits in n8n until its onEnded.
 * - B (two workflows): Webhook → Velents Agent "Dispatch" with the trigger's Production URL as its
 *   link; Velents Agent Trigger (onEnded) → the same HTTP Request.
 *
 * The same load on both, in two phases. Dispatch: the orders go to the side's webhook staggered, at
 * most `concurrency` of them in n8n at a time (posted, their execution neither waiting nor finished),
 * so that the rate is what n8n sustains. The sandbox plays each conversation at once (7 events,
 * `eventDelayMs` apart: a few seconds), through a relay in this process that holds its end event.
 * So every intermediate event meets n8n as it would (answered 409 while the execution is not saved as
 * waiting yet: the race), and every conversation ends after the last one was dispatched: all of them
 * wait at once. Ends: the relay lets the held end events through, `endConcurrency` in flight.
 *
 * Per side: each conversation continued exactly once with its own extraction (the collector's posts,
 * by conversation id), none lost, none twice; the latency from the relay sending onEnded to n8n to
 * the HTTP Request node's post arriving (p50/p99); answers other than 200 by event type; how many
 * conversations were not saved as waiting by their last event before the end (an end that came then
 * would have been lost to the race); from n8n's executions table, read-only by a separate process
 * (asking n8n would spend its time): the executions waiting at once at most, and each dispatch's
 * time until n8n had saved its execution as waiting (side A); n8n's memory (main process RSS) and
 * database size (SQLite file and its WAL) before the load and with every conversation dispatched, per
 * conversation; the machine's load average, since other work shares it.
 *
 * `npx tsx tools/bench/dispatchAndWait.ts [--conversations 1000] [--concurrency 10]
 * [--end-concurrency 10]` (after `npm run build`): starts its own n8n and sandbox, prints the table,
 * writes tools/figures/dispatch-and-wait-results.json and its section of BENCHMARKS.md, and exits
 * non-zero when a conversation was lost or continued twice on side A.
 */
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

import type { Sandbox } from '../sandbox/server';
import type { N8nApi, WorkflowFile, WorkflowNode } from '../n8n/api';
import { startPostCollector } from '../n8n/collector';
import type { PostCollector } from '../n8n/collector';
import { createSandboxCredentials, productionWebhookUrl } from '../n8n/examples';
import { waitForWebhook } from '../n8n/playground';
import { sleep } from '../n8n/process';
import type { N8nServer } from '../n8n/server';
import {
	figuresFile,
	percentile,
	repositoryPath,
	round,
	writeFigures,
	writeReportSection,
} from '../figures/report';
import type { N8nInstallation } from '../n8n/install';
import { startBenchN8n } from './environment';
import { count, seconds } from './format';
import { describeMachine } from './index';
import type { Machine } from './index';
import { postWebhookNode } from './workflowNodes';

export interface WaitBenchOptions {
	conversations: number;
	/** Orders in n8n at once: posted, their execution not yet waiting or finished. */
	concurrency: number;
	/** End events the relay lets through at once, once every conversation was dispatched. */
	endConcurrency: number;
	/** The sandbox's delay before each of a conversation's 7 events (real time). */
	eventDelayMs: number;
	/** Dispatch and Wait's limit: longer than the run, so that no wait ends by it. */
	limitMinutes: number;
	/** How long each phase may take before what has not happened counts as lost. */
	phaseTimeoutMinutes: number;
}

export const DEFAULT_WAIT_BENCH_OPTIONS: WaitBenchOptions = {
	conversations: 1000,
	concurrency: 10,
	endConcurrency: 10,
	eventDelayMs: 500,
	limitMinutes: 180,
	phaseTimeoutMinutes: 20,
};

export interface WaitSide {
	pattern: string;
	conversations: number;
	/** Conversations whose follow-up posted exactly once, with their own id, order and extraction. */
	continuedOnce: number;
	lost: number;
	continuedTwice: number;
	/** Follow-ups that ran with outcome timed_out (side A: their end event was lost). */
	timedOut: number;
	/** Answers other than 200 to the sandbox's events, by event type and status. */
	nonOkAnswers: Record<string, number>;
	/** Every 409 n8n answered, whatever the event. */
	answers409: number;
	/** Conversations whose last event before the end was answered 409: an end then would have been lost. */
	notWaitingBeforeEnd: number;
	/** Order posted → the sandbox receiving its dispatch. */
	orderToDispatchP50Ms: number;
	orderToDispatchP99Ms: number;
	/** Side A: the dispatch → n8n's executions table showing the execution waiting. */
	dispatchToWaitingP50Ms: number;
	dispatchToWaitingP99Ms: number;
	dispatchToWaitingMaxMs: number;
	/** First order posted → every order's execution waiting or finished. */
	dispatchPhaseMs: number;
	ordersPerSecond: number;
	/** Executions n8n held as waiting at once, at most. */
	peakWaiting: number;
	latencyP50Ms: number;
	latencyP99Ms: number;
	latencyMaxMs: number;
	/** First end event sent to n8n → the last follow-up. */
	endPhaseMs: number;
	rssBeforeMb: number;
	/** With every conversation dispatched (side A: every execution waiting). */
	rssDispatchedMb: number;
	rssPeakMb: number;
	rssPerConversationKb: number;
	databaseBeforeMb: number;
	databaseDispatchedMb: number;
	databasePeakMb: number;
	databasePerConversationKb: number;
	/** The machine's 1-minute load average while the side ran: mean and highest. */
	loadMean: number;
	loadMax: number;
}

export interface WaitBenchFigures {
	options: WaitBenchOptions;
	dispatchAndWait: WaitSide;
	twoWorkflows: WaitSide;
}

interface FollowUp {
	side: string;
	order: string;
	conversationId: number | null;
	outcome: string;
	customerName: string | null;
	arrivedMs: number;
}

/** The relay must exist before n8n starts: n8n builds every resume URL from its address. */
export async function benchDispatchAndWait(
	options: WaitBenchOptions,
	log: (line: string) => void,
): Promise<WaitBenchFigures & { installation: N8nInstallation }> {
	const relay = await startRelay();
	const collector = await startPostCollector('/follow-up');
	const n8n = await startBenchN8n(log, { N8N_WEBHOOK_URL: relay.url });
	const watcher = new ExecutionWatcher(
		n8n.installation.nodeBinary,
		path.join(n8n.server.userFolder, '.n8n', 'database.sqlite'),
	);
	try {
		relay.target = n8n.server.url;
		const { sandbox, server, api } = n8n;
		const credentials = await createSandboxCredentials(api, { sandboxUrl: sandbox.url });
		const agent = { id: credentials.velentsAgentApi.id, name: credentials.velentsAgentApi.name };
		const context: SideContext = { server, sandbox, collector, relay, watcher, options, log };

		const waitPath = `velents-wait-${randomUUID()}`;
		const waitFlow = await activate(
			api,
			withFollowUp(
				orderFlow('Bench: Dispatch and Wait', waitPath, agent, {
					operation: 'dispatchAndWait',
					limitType: 'afterTimeInterval',
					limitAmount: options.limitMinutes,
					limitUnit: 'minutes',
				}),
				collector.url,
				'dispatchAndWait',
			),
		);
		const dispatchAndWait = await runSide(context, {
			pattern: 'Dispatch and Wait',
			side: 'dispatchAndWait',
			webhookPath: waitPath,
			orderWorkflowId: waitFlow,
		});
		// Printed at once: the other side takes as long, and a stopped run keeps these figures.
		log(`Dispatch and Wait: ${JSON.stringify(dispatchAndWait)}`);

		const triggerId = randomUUID();
		// Through the relay too, so that both sides' events take the same way.
		const triggerUrl = productionWebhookUrl(relay.url, triggerId);
		await activate(api, withFollowUp(triggerFlow(triggerId, agent), collector.url, 'twoWorkflows'));
		await waitForWebhook(triggerUrl);
		const dispatchPath = `velents-dispatch-${randomUUID()}`;
		// Ends at the dispatch: its follow-up is the trigger's workflow.
		const dispatchFlow = await activate(
			api,
			orderFlow('Bench: Dispatch (two workflows)', dispatchPath, agent, {
				operation: 'dispatch',
				webhook: { link: triggerUrl, body: '={{ JSON.stringify({ order: $json.body.order }) }}' },
			}),
		);
		const twoWorkflows = await runSide(context, {
			pattern: 'Dispatch + Velents Agent Trigger',
			side: 'twoWorkflows',
			webhookPath: dispatchPath,
			orderWorkflowId: dispatchFlow,
		});
		return { options, dispatchAndWait, twoWorkflows, installation: n8n.installation };
	} finally {
		watcher.stop();
		await n8n.stop();
		await collector.close();
		await relay.close();
	}
}

interface SideContext {
	server: N8nServer;
	sandbox: Sandbox;
	collector: PostCollector;
	relay: Relay;
	watcher: ExecutionWatcher;
	options: WaitBenchOptions;
	log: (line: string) => void;
}

interface SidePlan {
	pattern: string;
	side: string;
	webhookPath: string;
	/** The workflow the orders start: its executions are the ones that wait (A) or dispatch (B). */
	orderWorkflowId: string;
}

async function runSide(
	{ server, sandbox, collector, relay, watcher, options, log }: SideContext,
	{ pattern, side, webhookPath, orderWorkflowId }: SidePlan,
): Promise<WaitSide> {
	const url = `${server.webhookBaseUrl}webhook/${webhookPath}`;
	const phaseTimeoutMs = options.phaseTimeoutMinutes * 60_000;
	// Not `waitForWebhook`: a Webhook node starts an execution for each of its probes. Activation
	// has registered the webhook when it returns.
	sandbox.reset();
	relay.hold();
	sandbox.configure({
		eventDelayMs: options.eventDelayMs,
		timeScale: 1,
		// Every conversation plays at once; its end waits in the relay.
		deliveryConcurrency: options.conversations,
		deliveryTimeoutMs: 2 * phaseTimeoutMs,
		// Dispatch is not what is measured: let the orders through without rate-limit waits.
		rateLimit: { limit: options.conversations * 4, windowSeconds: 60 },
	});
	await sleep(2000);
	const n8nPid = await mainProcessOf(server);
	const before = { rss: await rssMb(n8nPid), database: await databaseMb(server) };
	const peak = { ...before };
	const loads: number[] = [];
	let sampling = true;
	const sampler = (async () => {
		while (sampling) {
			peak.rss = Math.max(peak.rss, await rssMb(n8nPid));
			peak.database = Math.max(peak.database, await databaseMb(server));
			loads.push(os.loadavg()[0]);
			await sleep(1000);
		}
	})();
	watcher.resetPeak();

	// Dispatch: at most `concurrency` orders in n8n at a time.
	const began = Date.now();
	const postedAt = new Map<string, number>();
	const orders = Array.from({ length: options.conversations }, (_, index) => `${side}-${index}`);
	const settled = (): number => watcher.settledOf(orderWorkflowId);
	const settledBefore = settled();
	const inN8n = (): number => postedAt.size - (settled() - settledBefore);
	for (const order of orders) {
		const deadline = Date.now() + phaseTimeoutMs;
		while (inN8n() >= options.concurrency && Date.now() < deadline) await sleep(20);
		postedAt.set(order, Date.now());
		void post(url, { order, phone: '+201145803442' }).then((status) => {
			if (status !== 200) log(`${side}: order ${order} answered ${status}`);
		});
	}
	const allPosted = Date.now();
	log(`${pattern}: ${orders.length} orders posted in ${seconds(allPosted - began)}`);
	await until(() => inN8n() <= 0, phaseTimeoutMs);
	const dispatchPhaseMs = Date.now() - began;
	log(
		`${pattern}: every order's execution waiting or finished after ${seconds(dispatchPhaseMs)}; ${watcher.waiting} waiting`,
	);
	const dispatched = {
		rss: await rssMb(n8nPid),
		database: await databaseMb(server),
	};

	// Ends: once every conversation's end is held, let them through.
	await until(() => relay.heldCount >= sandbox.dispatches().length, phaseTimeoutMs);
	const released = Date.now();
	relay.release(options.endConcurrency);
	log(`${pattern}: ${relay.heldCount} end events held; letting them through`);
	// Every dispatched conversation's follow-up (an order that failed before its dispatch has none).
	await until(
		() => followUpsOf(collector, side).length >= sandbox.dispatches().length,
		phaseTimeoutMs,
	);
	await sleep(3000);
	sampling = false;
	await sampler;
	const peakWaiting = watcher.resetPeak();
	const followUps = followUpsOf(collector, side);
	const endPhaseMs = Math.max(0, ...followUps.map((followUp) => followUp.arrivedMs)) - released;

	const conversationOrder = new Map(
		sandbox
			.dispatches()
			.map((dispatch) => [dispatch.conversation.id, String(dispatch.conversation.values.order_id)]),
	);
	// The sandbox's timestamps have whole seconds: a dispatch was answered one event delay before its
	// conversation's first event (the sandbox plays it from then on).
	const dispatchedAt = new Map<number, number>();
	for (const delivery of sandbox.deliveries())
		if (delivery.sequence === 0 && !delivery.duplicate)
			dispatchedAt.set(delivery.conversation_id, delivery.started_ms - options.eventDelayMs);
	const orderToDispatch: number[] = [];
	const dispatchToWaiting: number[] = [];
	for (const { conversation } of sandbox.dispatches()) {
		const dispatchedMs = dispatchedAt.get(conversation.id);
		if (dispatchedMs === undefined) continue;
		const order = postedAt.get(String(conversation.values.order_id));
		if (order !== undefined) orderToDispatch.push(dispatchedMs - order);
		const executionId = /\/webhook-waiting\/([^/]+)\//.exec(conversation.webhook?.link ?? '')?.[1];
		const waitingAt = executionId === undefined ? undefined : watcher.waitingSince(executionId);
		if (waitingAt !== undefined) dispatchToWaiting.push(waitingAt - dispatchedMs);
	}
	const endSentAt = relay.endsSent();
	const nonOkAnswers: Record<string, number> = {};
	const lastBeforeEnd = new Map<number, number | null>();
	for (const delivery of sandbox.deliveries()) {
		if (delivery.event_type !== 'onEnded')
			lastBeforeEnd.set(delivery.conversation_id, delivery.status);
		if (delivery.status !== 200) {
			const key = `${delivery.event_type} ${delivery.status ?? 'no answer'}`;
			nonOkAnswers[key] = (nonOkAnswers[key] ?? 0) + 1;
		}
	}
	const perConversation = new Map<number, FollowUp[]>();
	for (const followUp of followUps) {
		if (followUp.conversationId === null) continue;
		const list = perConversation.get(followUp.conversationId) ?? [];
		list.push(followUp);
		perConversation.set(followUp.conversationId, list);
	}
	let continuedOnce = 0;
	let continuedTwice = 0;
	const latencies: number[] = [];
	for (const [conversationId, order] of conversationOrder) {
		const list = perConversation.get(conversationId) ?? [];
		if (list.length > 1) continuedTwice++;
		const [only] = list;
		if (list.length === 1 && only.order === order && only.customerName === 'shady') {
			continuedOnce++;
			const ended = endSentAt.get(conversationId);
			if (ended !== undefined && only.outcome !== 'timed_out')
				latencies.push(only.arrivedMs - ended);
		}
	}
	const sorted = (values: number[]) => values.sort((a, b) => a - b);
	sorted(latencies);
	sorted(orderToDispatch);
	sorted(dispatchToWaiting);
	const conversations = orders.length;
	const perConversationKb = (from: number, to: number) =>
		round(((to - from) * 1024) / conversations);
	return {
		pattern,
		conversations,
		continuedOnce,
		lost:
			[...conversationOrder.keys()].filter((id) => !perConversation.has(id)).length +
			(conversations - conversationOrder.size),
		continuedTwice,
		timedOut: followUps.filter((followUp) => followUp.outcome === 'timed_out').length,
		nonOkAnswers,
		answers409: Object.entries(nonOkAnswers)
			.filter(([key]) => key.endsWith(' 409'))
			.reduce((sum, [, n]) => sum + n, 0),
		notWaitingBeforeEnd: [...lastBeforeEnd.values()].filter((status) => status === 409).length,
		orderToDispatchP50Ms: round(percentile(orderToDispatch, 0.5)),
		orderToDispatchP99Ms: round(percentile(orderToDispatch, 0.99)),
		dispatchToWaitingP50Ms: round(percentile(dispatchToWaiting, 0.5)),
		dispatchToWaitingP99Ms: round(percentile(dispatchToWaiting, 0.99)),
		dispatchToWaitingMaxMs: round(dispatchToWaiting.at(-1) ?? 0),
		dispatchPhaseMs,
		ordersPerSecond: round((conversations * 1000) / dispatchPhaseMs),
		peakWaiting,
		latencyP50Ms: round(percentile(latencies, 0.5)),
		latencyP99Ms: round(percentile(latencies, 0.99)),
		latencyMaxMs: round(latencies.at(-1) ?? 0),
		endPhaseMs,
		rssBeforeMb: round(before.rss),
		rssDispatchedMb: round(dispatched.rss),
		rssPeakMb: round(peak.rss),
		rssPerConversationKb: perConversationKb(before.rss, dispatched.rss),
		databaseBeforeMb: round(before.database),
		databaseDispatchedMb: round(dispatched.database),
		databasePeakMb: round(peak.database),
		databasePerConversationKb: perConversationKb(before.database, dispatched.database),
		loadMean: round(loads.reduce((sum, load) => sum + load, 0) / Math.max(1, loads.length)),
		loadMax: round(Math.max(0, ...loads)),
	};
}

async function post(url: string, body: unknown): Promise<number> {
	try {
		const response = await fetch(url, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(body),
		});
		await response.arrayBuffer();
		return response.status;
	} catch {
		return 0;
	}
}

/** Resolves once the condition holds, or after `timeoutMs` (what did not happen is counted later). */
async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!condition() && Date.now() < deadline) await sleep(100);
}

// ---------------------------------------------------------------- workflows

type CredentialRef = { id: string; name: string };

/** Webhook (an order) → a Velents Agent operation → (collector post, added by `activate`). */
function orderFlow(
	name: string,
	webhookPath: string,
	agent: CredentialRef,
	operation: Record<string, unknown>,
): WorkflowFile {
	return {
		name,
		nodes: [
			{ ...postWebhookNode(webhookPath), id: 'order', name: 'Order', position: [0, 0] },
			{
				id: 'agent',
				name: 'Velents Agent',
				type: 'n8n-nodes-velents.velentsAgent',
				typeVersion: 1,
				position: [220, 0],
				parameters: {
					channelId: 2,
					phone: '={{ $json.body.phone }}',
					variablesInput: 'json',
					variablesJson:
						'={{ JSON.stringify({ company_name: "Acme Store", order_id: $json.body.order }) }}',
					...operation,
				},
				credentials: { velentsAgentApi: agent },
			},
		],
		connections: { Order: { main: [[{ node: 'Velents Agent', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}

/** Velents Agent Trigger (onEnded) → (collector post, added by `activate`). */
function triggerFlow(webhookId: string, agent: CredentialRef): WorkflowFile {
	return {
		name: 'Bench: Velents Agent Trigger (two workflows)',
		nodes: [
			{
				id: 'trigger',
				name: 'Velents Agent Trigger',
				type: 'n8n-nodes-velents.velentsAgentTrigger',
				typeVersion: 1,
				position: [0, 0],
				webhookId,
				parameters: {
					events: ['onEnded'],
					onlyThisAgent: true,
					requiredExtractionFields: '',
					options: {},
				},
				credentials: { velentsAgentApi: agent },
			},
		],
		connections: {},
		settings: { executionOrder: 'v1' },
	};
}

/**
 * The follow-up both sides share, after the workflow's last node: an HTTP Request posting what
 * continued to the collector.
 */
function withFollowUp(workflow: WorkflowFile, collectorUrl: string, side: string): WorkflowFile {
	const last = workflow.nodes[workflow.nodes.length - 1];
	const followUp: WorkflowNode = {
		id: 'follow-up',
		name: 'Follow up',
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.2,
		position: [last.position[0] + 220, 0],
		parameters: {
			method: 'POST',
			url: collectorUrl,
			sendBody: true,
			specifyBody: 'json',
			jsonBody: `={{ JSON.stringify({ side: ${JSON.stringify(side)}, order: $json.custom.order ?? $json.conversation.values.order_id, conversationId: $json.conversation.id, outcome: $json.outcome ?? $json.event, customerName: $json.extraction.customer_name ?? null }) }}`,
			options: {},
		},
	};
	return {
		...workflow,
		nodes: [...workflow.nodes, followUp],
		connections: {
			...workflow.connections,
			[last.name]: { main: [[{ node: followUp.name, type: 'main', index: 0 }]] },
		},
	};
}

/** Creates the workflow and activates it; resolves with its id. */
async function activate(api: N8nApi, workflow: WorkflowFile): Promise<string> {
	const created = await api.createWorkflow(workflow);
	await api.activateWorkflow(created.id, created.versionId);
	return created.id;
}

// ---------------------------------------------------------------- the relay

interface Relay {
	/** What n8n builds its resume URLs from (N8N_WEBHOOK_URL). */
	url: string;
	/** n8n's own URL, once it runs. */
	target: string;
	/** From now on, end events wait in the relay until `release`. */
	hold(): void;
	readonly heldCount: number;
	/** Sends the held end events on, `concurrency` at a time, and every later one at once. */
	release(concurrency: number): void;
	/** When each conversation's end event was sent on to n8n (epoch ms), by conversation id. */
	endsSent(): Map<number, number>;
	close(): Promise<void>;
}

interface HeldEvent {
	send(): Promise<void>;
}

/**
 * Between the sandbox and n8n: every event goes on to n8n as it comes and n8n's answer comes back,
 * except end events while holding, which go on only when released. So each conversation plays in a
 * few seconds, and its end comes after the last conversation was dispatched.
 */
async function startRelay(): Promise<Relay> {
	// A connection per event: a kept-alive one that n8n closes as it is reused fails the event (a
	// 502 from the relay in the first 1,000-conversation run), which is not n8n's answer.
	const agent = new http.Agent({ keepAlive: false });
	let holding = false;
	let held: HeldEvent[] = [];
	let sentEnds = new Map<number, number>();
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			const body = Buffer.concat(chunks);
			const event = parseEvent(body);
			const send = async (): Promise<void> => {
				if (event.type === 'onEnded' && event.conversationId !== null)
					sentEnds.set(event.conversationId, Date.now());
				await forward(req, body, res);
			};
			if (holding && event.type === 'onEnded') held.push({ send });
			else void send();
		});
	});
	const forward = (req: http.IncomingMessage, body: Buffer, res: http.ServerResponse) =>
		new Promise<void>((resolve) => {
			const headers = { ...req.headers, host: new URL(relay.target).host };
			const upstream = http.request(
				new URL(req.url ?? '/', relay.target),
				{ method: req.method, headers, agent },
				(answer) => {
					res.writeHead(answer.statusCode ?? 502, answer.headers);
					answer.pipe(res);
					answer.on('end', resolve);
				},
			);
			upstream.on('error', (error) => {
				res.writeHead(502, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ relay: error.message }));
				resolve();
			});
			upstream.end(body);
		});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const relay: Relay = {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
		target: '',
		hold: () => {
			holding = true;
			held = [];
			sentEnds = new Map();
		},
		get heldCount() {
			return held.length;
		},
		release: (concurrency) => {
			holding = false;
			const queue = [...held];
			const lane = async (): Promise<void> => {
				for (let next = queue.shift(); next; next = queue.shift()) await next.send();
			};
			for (let lanes = 0; lanes < concurrency; lanes++) void lane();
		},
		endsSent: () => sentEnds,
		close: async () =>
			await new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
				agent.destroy();
			}),
	};
	return relay;
}

function parseEvent(body: Buffer): { type: string | null; conversationId: number | null } {
	try {
		const parsed = JSON.parse(body.toString('utf8')) as {
			event?: { type?: unknown };
			conversation?: { id?: unknown };
		};
		return {
			type: typeof parsed.event?.type === 'string' ? parsed.event.type : null,
			conversationId: typeof parsed.conversation?.id === 'number' ? parsed.conversation.id : null,
		};
	} catch {
		return { type: null, conversationId: null };
	}
}

// ---------------------------------------------------------------- measuring

/** The follow-ups of one side, as the collector received them. */
function followUpsOf(collector: PostCollector, side: string): FollowUp[] {
	return collector.posts
		.map(({ body, arrivedMs }) => ({ ...(body as unknown as FollowUp), arrivedMs }))
		.filter((followUp) => followUp.side === side);
}

/**
 * Reads n8n's executions table without asking n8n: a Node.js process of the n8n installation (Node
 * 24 has `node:sqlite`) opens the database read-only (WAL mode: a reader does not block the writer)
 * and prints, every POLL_MS, the executions whose status changed since its last reading.
 */
const POLL_MS = 100;
const WATCHER = `
const { DatabaseSync } = require('node:sqlite');
const db = new DatabaseSync(process.argv[1], { readOnly: true });
const rows = db.prepare('SELECT id, workflowId, status FROM execution_entity');
const seen = new Map();
setInterval(() => {
  const changed = [];
  for (const { id, workflowId, status } of rows.all()) {
    if (seen.get(id) === status) continue;
    seen.set(id, status);
    changed.push([String(id), workflowId, status]);
  }
  if (changed.length) process.stdout.write(JSON.stringify({ at: Date.now(), changed }) + '\\n');
}, ${POLL_MS});
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
`;

class ExecutionWatcher {
	private readonly child: ChildProcess;
	private readonly status = new Map<string, { workflowId: string; status: string }>();
	private readonly waitingAt = new Map<string, number>();
	private readonly settled = new Map<string, number>();
	private peak = 0;
	waiting = 0;

	constructor(nodeBinary: string, databaseFile: string) {
		this.child = spawn(nodeBinary, ['--no-warnings', '-e', WATCHER, databaseFile], {
			stdio: ['pipe', 'pipe', 'inherit'],
		});
		let buffered = '';
		this.child.stdout?.on('data', (chunk: Buffer) => {
			buffered += chunk.toString('utf8');
			const lines = buffered.split('\n');
			buffered = lines.pop() ?? '';
			for (const line of lines.filter(Boolean)) {
				const { at, changed } = JSON.parse(line) as {
					at: number;
					changed: Array<[string, string, string]>;
				};
				for (const [id, workflowId, status] of changed) this.note(at, id, workflowId, status);
				this.peak = Math.max(this.peak, this.waiting);
			}
		});
	}

	private note(at: number, id: string, workflowId: string, status: string): void {
		const previous = this.status.get(id);
		this.status.set(id, { workflowId, status });
		if (previous?.status === 'waiting') this.waiting--;
		if (status === 'waiting') {
			this.waiting++;
			if (!this.waitingAt.has(id)) this.waitingAt.set(id, at);
		}
		// Waiting or finished: no longer in n8n's hands for the dispatch.
		const wasSettled = previous !== undefined && !UNSETTLED.has(previous.status);
		if (!UNSETTLED.has(status) && !wasSettled)
			this.settled.set(workflowId, (this.settled.get(workflowId) ?? 0) + 1);
	}

	/** Executions of the workflow that have ever been waiting or finished. */
	settledOf(workflowId: string): number {
		return this.settled.get(workflowId) ?? 0;
	}

	/** When the execution was first seen waiting (epoch ms). */
	waitingSince(id: string): number | undefined {
		return this.waitingAt.get(id);
	}

	/** The most executions waiting at once since the last call. */
	resetPeak(): number {
		const peak = this.peak;
		this.peak = this.waiting;
		return peak;
	}

	stop(): void {
		this.child.stdin?.end();
		this.child.kill();
	}
}

const UNSETTLED = new Set(['new', 'running']);

/** n8n's main process: the only child of the supervisor `startN8n` spawned. */
async function mainProcessOf(server: N8nServer): Promise<number | undefined> {
	if (server.pid === undefined) return undefined;
	const children = await readFile(`/proc/${server.pid}/task/${server.pid}/children`, 'utf8').catch(
		() => '',
	);
	const [child] = children.trim().split(/\s+/).filter(Boolean).map(Number);
	return child;
}

async function rssMb(pid: number | undefined): Promise<number> {
	if (pid === undefined) return 0;
	const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
	const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
	return kb / 1024;
}

/** n8n's SQLite database with its write-ahead log. */
async function databaseMb(server: N8nServer): Promise<number> {
	const file = path.join(server.userFolder, '.n8n', 'database.sqlite');
	let bytes = 0;
	for (const name of [file, `${file}-wal`])
		bytes += (await stat(name).catch(() => null))?.size ?? 0;
	return bytes / 2 ** 20;
}

// ---------------------------------------------------------------- the figures and the report

const RESULTS_FILE = figuresFile('dispatch-and-wait-results.json');
/** This bench's section of BENCHMARKS.md. */
const SECTION = 'dispatch-and-wait';

interface WaitBenchResults {
	date: string;
	command: string;
	/** The whole command, n8n's start included (not the build). */
	durationMs: number;
	machine: Machine;
	/** The machine's 1-minute load average when the command began (other work shares it). */
	loadBefore: number;
	figures: WaitBenchFigures;
}

function rows({ dispatchAndWait: a, twoWorkflows: b }: WaitBenchFigures): string[][] {
	const ratio = (x: number, y: number) => (y === 0 ? '' : `${round(x / y)}×`);
	const both = (
		label: string,
		value: (side: WaitSide) => string,
		ratioOf?: (side: WaitSide) => number,
	) => [label, value(a), value(b), ratioOf ? ratio(ratioOf(a), ratioOf(b)) : ''];
	const msOf = (value: number) => `${count(Math.round(value))} ms`;
	return [
		both('Conversations', (side) => count(side.conversations)),
		both('Continued exactly once, own extraction', (side) => count(side.continuedOnce)),
		both('Lost', (side) => count(side.lost)),
		both('Continued twice', (side) => count(side.continuedTwice)),
		both('Ended timed_out', (side) => count(side.timedOut)),
		both('Executions waiting at once, at most', (side) => count(side.peakWaiting)),
		both(
			'Dispatch: orders per second',
			(side) => `${side.ordersPerSecond}/s`,
			(side) => side.ordersPerSecond,
		),
		both(
			'Order posted → dispatch, p50 / p99',
			(side) => `${msOf(side.orderToDispatchP50Ms)} / ${msOf(side.orderToDispatchP99Ms)}`,
		),
		both('Dispatch → saved as waiting, p50 / p99 / max', (side) =>
			side.dispatchToWaitingMaxMs === 0
				? '—'
				: `${msOf(side.dispatchToWaitingP50Ms)} / ${msOf(side.dispatchToWaitingP99Ms)} / ${msOf(side.dispatchToWaitingMaxMs)}`,
		),
		both('Answered 409 (any event)', (side) => count(side.answers409)),
		both('Conversations not saved as waiting by their last event before the end', (side) =>
			count(side.notWaitingBeforeEnd),
		),
		both('Answers other than 200', (side) => JSON.stringify(side.nonOkAnswers)),
		both(
			'Latency onEnded → follow-up, p50',
			(side) => msOf(side.latencyP50Ms),
			(side) => side.latencyP50Ms,
		),
		both(
			'Latency onEnded → follow-up, p99',
			(side) => msOf(side.latencyP99Ms),
			(side) => side.latencyP99Ms,
		),
		both('Latency, max', (side) => msOf(side.latencyMaxMs)),
		both(
			'Dispatch phase, first order → all saved',
			(side) => seconds(side.dispatchPhaseMs),
			(side) => side.dispatchPhaseMs,
		),
		both(
			'End phase, first end event → last follow-up',
			(side) => seconds(side.endPhaseMs),
			(side) => side.endPhaseMs,
		),
		both(
			'n8n RSS before → all dispatched → peak',
			(side) => `${side.rssBeforeMb} → ${side.rssDispatchedMb} → ${side.rssPeakMb} MB`,
		),
		both(
			'n8n RSS growth per conversation (all dispatched)',
			(side) => `${side.rssPerConversationKb} KB`,
			(side) => side.rssPerConversationKb,
		),
		both(
			'Database before → all dispatched → peak',
			(side) =>
				`${side.databaseBeforeMb} → ${side.databaseDispatchedMb} → ${side.databasePeakMb} MB`,
		),
		both(
			'Database growth per conversation (all dispatched)',
			(side) => `${side.databasePerConversationKb} KB`,
			(side) => side.databasePerConversationKb,
		),
		both(
			'Machine load (1-min average), mean / max',
			(side) => `${side.loadMean} / ${side.loadMax}`,
		),
	];
}

function markdownTable(figures: WaitBenchFigures): string {
	const { dispatchAndWait: a, twoWorkflows: b } = figures;
	return [
		`| Figure | ${a.pattern} | ${b.pattern} | Ratio |`,
		'|---|---|---|---|',
		...rows(figures).map((row) => `| ${row.join(' | ')} |`),
	].join('\n');
}

function renderSection(results: WaitBenchResults): string {
	const { figures, machine } = results;
	const { options } = figures;
	return `## Dispatch and Wait: ${count(options.conversations)} executions waiting at once, against Dispatch + Velents Agent Trigger

\`${results.command}\` (${results.date.slice(0, 16).replace('T', ' ')} UTC, ${seconds(results.durationMs)} in all):
n8n ${machine.n8n ?? '?'} on Node.js ${machine.n8nNode ?? '?'}, SQLite on tmpfs, default expression engine, on ${machine.cores} cores
(${machine.cpu}) shared with other work: load average ${results.loadBefore} when the run began. Every figure is in
[${repositoryPath(RESULTS_FILE)}](${repositoryPath(RESULTS_FILE)}).

${markdownTable(figures)}

How it measures (\`tools/bench/dispatchAndWait.ts\`): side A is Webhook → Velents Agent *Dispatch and Wait*
(limit ${options.limitMinutes} minutes) → HTTP Request to a collector in the bench process; side B is Webhook →
*Dispatch* with a Velents Agent Trigger's Production URL as the link, and that trigger (onEnded) → the same
HTTP Request; both in one n8n, A first. Dispatch phase: ${count(options.conversations)} orders posted to the side's
webhook, at most ${options.concurrency} in n8n at a time (posted, their execution not yet waiting or finished, read from
n8n's executions table). The sandbox plays each conversation as soon as it is dispatched (7 events,
${options.eventDelayMs} ms apart) through a relay in the bench process (n8n's \`N8N_WEBHOOK_URL\`, so the resume
URLs point to it) that sends every event on to n8n at once except the end event, which it holds: the
intermediate events meet n8n's race as they would, and every conversation ends after the last one was
dispatched, so all of them wait at once. End phase: the held end events go on, ${options.endConcurrency} at a time.
"Saved as waiting" is when a separate process reading n8n's SQLite database read-only (every ${POLL_MS} ms)
first sees the execution waiting; the latency runs from the relay sending onEnded to n8n to the HTTP Request's
post arriving at the collector. Memory is n8n's main process RSS, the database its SQLite file and WAL,
measured before the side and when every order's execution was waiting (A) or finished (B); growth per
conversation is the difference over the ${count(options.conversations)} conversations.
`;
}

function option(name: string, fallback: number): number {
	const index = process.argv.indexOf(`--${name}`);
	const value = index < 0 ? undefined : Number(process.argv[index + 1]);
	return value !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
}

async function main(): Promise<void> {
	const log = (line: string): void => void process.stdout.write(`[bench wait] ${line}\n`);
	const began = Date.now();
	const loadBefore = round(os.loadavg()[0]);
	const options: WaitBenchOptions = {
		...DEFAULT_WAIT_BENCH_OPTIONS,
		conversations: option('conversations', DEFAULT_WAIT_BENCH_OPTIONS.conversations),
		concurrency: option('concurrency', DEFAULT_WAIT_BENCH_OPTIONS.concurrency),
		endConcurrency: option('end-concurrency', DEFAULT_WAIT_BENCH_OPTIONS.endConcurrency),
	};
	log(
		`load average ${os
			.loadavg()
			.map((load) => round(load))
			.join(', ')} (1, 5, 15 min)`,
	);
	const { installation, ...figures } = await benchDispatchAndWait(options, log);
	const results: WaitBenchResults = {
		date: new Date().toISOString(),
		command: `npx tsx tools/bench/dispatchAndWait.ts ${process.argv.slice(2).join(' ')}`.trim(),
		durationMs: Date.now() - began,
		machine: describeMachine(installation),
		loadBefore,
		figures,
	};
	process.stdout.write(`${markdownTable(figures)}\n`);
	// Only a full-size run is recorded: a quick check must not replace the measured figures.
	if (options.conversations === DEFAULT_WAIT_BENCH_OPTIONS.conversations) {
		await writeFigures(RESULTS_FILE, results);
		await writeReportSection(SECTION, renderSection(results));
		process.stdout.write(`\n${repositoryPath(RESULTS_FILE)} and BENCHMARKS.md written.\n`);
	} else {
		process.stdout.write(
			`\nA run of ${options.conversations} conversations: ${repositoryPath(RESULTS_FILE)} and BENCHMARKS.md left as they were.\n`,
		);
	}
	const a = figures.dispatchAndWait;
	if (a.lost > 0 || a.continuedTwice > 0) {
		process.stdout.write(
			`FAILED: on side A ${a.lost} conversations were lost and ${a.continuedTwice} continued twice.\n`,
		);
		process.exitCode = 1;
	}
}

if (require.main === module) {
	main().catch((error: unknown) => {
		console.error(error);
		process.exitCode = 1;
	});
}
