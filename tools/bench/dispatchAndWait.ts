/**
 * Dispatch and Wait under load in a real n8n, side by side with the two-workflow pattern it replaces:
 *
 * - A (Dispatch and Wait): Webhook → Velents Agent "Dispatch and Wait" → HTTP Request to a collector
 *   in this process. Every conversation is one execution that waits in n8n until its onEnded.
 * - B (two workflows): Webhook → Velents Agent "Dispatch" with the trigger's Production URL as its
 *   link; Velents Agent Trigger (onEnded) → the same HTTP Request.
 *
 * The same load on both: `conversations` orders posted to the side's webhook, `concurrency` at a
 * time (staggered), each conversation played by the sandbox in a few seconds. Per side: each
 * conversation continued exactly once with its own extraction (the collector's posts, by
 * conversation id), none lost, none twice; the latency from the sandbox sending onEnded to the
 * HTTP Request node's post arriving (p50/p99); answers other than 200 by event type (the 409 race);
 * n8n's memory (main process RSS) and database size (SQLite file and its WAL) before the load and
 * at their highest while the conversations were open, per conversation.
 *
 * `npx tsx tools/bench/dispatchAndWait.ts [--conversations 1000] [--concurrency 20]` (after `npm run
 * build`): starts its own n8n and sandbox, prints the table, and exits non-zero when a
 * conversation was lost or continued twice on side A.
 */
import { randomUUID } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

import type { Sandbox } from '../sandbox/server';
import type { N8nApi, WorkflowFile, WorkflowNode } from '../n8n/api';
import { createSandboxCredentials, productionWebhookUrl } from '../n8n/examples';
import { waitForWebhook } from '../n8n/playground';
import { sleep } from '../n8n/process';
import type { N8nServer } from '../n8n/server';
import { percentile, round } from '../figures/report';
import type { BenchN8n } from './environment';
import { startBenchN8n } from './environment';
import { postWebhookNode } from './workflowNodes';

export interface WaitBenchOptions {
	conversations: number;
	/** Orders posted at once. */
	concurrency: number;
	/** The sandbox's delay before each of a conversation's 7 events (real time). */
	eventDelayMs: number;
	/** Dispatch and Wait's limit: a conversation whose end is lost ends `timed_out` after it. */
	limitMinutes: number;
}

export const DEFAULT_WAIT_BENCH_OPTIONS: WaitBenchOptions = {
	conversations: 1000,
	concurrency: 20,
	eventDelayMs: 500,
	limitMinutes: 3,
};

export interface WaitSide {
	pattern: string;
	conversations: number;
	/** Conversations whose follow-up posted exactly once, with their own id, order and extraction. */
	continuedOnce: number;
	lost: number;
	continuedTwice: number;
	/** Side A: follow-ups that ran with outcome timed_out (their end event was lost). */
	timedOut: number;
	/** Answers other than 200 to the sandbox's events, by event type and status. */
	nonOkAnswers: Record<string, number>;
	latencyP50Ms: number;
	latencyP99Ms: number;
	latencyMaxMs: number;
	/** From the first order posted to the last follow-up. */
	wallMs: number;
	/** Executions n8n held as waiting at once, at most (side A). */
	peakWaiting: number;
	rssBeforeMb: number;
	rssPeakMb: number;
	rssPerConversationKb: number;
	databaseBeforeMb: number;
	databasePeakMb: number;
	databasePerConversationKb: number;
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

export async function benchDispatchAndWait(
	n8n: BenchN8n,
	options: WaitBenchOptions,
	log: (line: string) => void,
): Promise<WaitBenchFigures> {
	const { sandbox, server, api } = n8n;
	const collector = await startCollector();
	try {
		const credentials = await createSandboxCredentials(api, { sandboxUrl: sandbox.url });
		const refs = {
			agent: { id: credentials.velentsAgentApi.id, name: credentials.velentsAgentApi.name },
		};
		const context: SideContext = { api, server, sandbox, collector, options, log };

		const waitPath = `velents-wait-${randomUUID()}`;
		await activate(
			api,
			orderFlow('Bench: Dispatch and Wait', waitPath, refs.agent, {
				operation: 'dispatchAndWait',
				limitType: 'afterTimeInterval',
				limitAmount: options.limitMinutes,
				limitUnit: 'minutes',
			}),
			collector.url,
			'dispatchAndWait',
		);
		const dispatchAndWait = await runSide(
			context,
			'Dispatch and Wait',
			'dispatchAndWait',
			waitPath,
		);
		// Printed at once: the other side takes longer, and a stopped run keeps these figures.
		log(`Dispatch and Wait: ${JSON.stringify(dispatchAndWait)}`);

		const triggerId = randomUUID();
		const triggerUrl = productionWebhookUrl(server.webhookBaseUrl, triggerId);
		await activate(api, triggerFlow(triggerId, refs.agent), collector.url, 'twoWorkflows');
		await waitForWebhook(triggerUrl);
		const dispatchPath = `velents-dispatch-${randomUUID()}`;
		await activate(
			api,
			orderFlow('Bench: Dispatch (two workflows)', dispatchPath, refs.agent, {
				operation: 'dispatch',
				webhook: { link: triggerUrl, body: '={{ JSON.stringify({ order: $json.body.order }) }}' },
			}),
			collector.url,
			'twoWorkflows',
		);
		const twoWorkflows = await runSide(
			context,
			'Dispatch + Velents Agent Trigger',
			'twoWorkflows',
			dispatchPath,
		);
		return { options, dispatchAndWait, twoWorkflows };
	} finally {
		await collector.close();
	}
}

interface SideContext {
	api: N8nApi;
	server: N8nServer;
	sandbox: Sandbox;
	collector: Collector;
	options: WaitBenchOptions;
	log: (line: string) => void;
}

async function runSide(
	{ api, server, sandbox, collector, options, log }: SideContext,
	pattern: string,
	side: string,
	webhookPath: string,
): Promise<WaitSide> {
	const url = `${server.webhookBaseUrl}webhook/${webhookPath}`;
	// Not `waitForWebhook`: a Webhook node starts an execution for each of its probes. Activation
	// has registered the webhook when it returns.
	sandbox.reset();
	sandbox.configure({
		eventDelayMs: options.eventDelayMs,
		timeScale: 1,
		deliveryConcurrency: options.conversations,
		// Dispatch is not what is measured: let the orders through without rate-limit waits.
		rateLimit: { limit: options.conversations * 4, windowSeconds: 60 },
	});
	await sleep(2000);
	const n8nPid = await mainProcessOf(server);
	const before = { rss: await rssMb(n8nPid), database: await databaseMb(server) };
	const peak = { ...before, waiting: 0 };
	let sampling = true;
	const sampler = (async () => {
		while (sampling) {
			peak.rss = Math.max(peak.rss, await rssMb(n8nPid));
			peak.database = Math.max(peak.database, await databaseMb(server));
			const waiting = await api.countExecutions({ status: ['waiting'] }).catch(() => 0);
			peak.waiting = Math.max(peak.waiting, waiting);
			await sleep(1000);
		}
	})();

	const began = Date.now();
	const orders = Array.from({ length: options.conversations }, (_, index) => `${side}-${index}`);
	let next = 0;
	await Promise.all(
		Array.from({ length: options.concurrency }, async () => {
			while (next < orders.length) {
				const order = orders[next++];
				const response = await fetch(url, {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify({ order, phone: '+201145803442' }),
				});
				await response.arrayBuffer();
				if (response.status !== 200) log(`${side}: order ${order} answered ${response.status}`);
			}
		}),
	);
	log(`${pattern}: ${orders.length} orders posted in ${round((Date.now() - began) / 1000)} s`);

	const deadline = Date.now() + (options.limitMinutes + 3) * 60_000;
	while (collector.of(side).length < orders.length && Date.now() < deadline) await sleep(1000);
	await sleep(3000);
	sampling = false;
	await sampler;
	const followUps = collector.of(side);
	const wallMs = Math.max(0, ...followUps.map((followUp) => followUp.arrivedMs)) - began;

	const dispatched = new Map(
		sandbox
			.dispatches()
			.map((dispatch) => [dispatch.conversation.id, String(dispatch.conversation.values.order_id)]),
	);
	const endedAt = new Map<number, number>();
	const nonOkAnswers: Record<string, number> = {};
	for (const delivery of sandbox.deliveries()) {
		if (delivery.event_type === 'onEnded' && !endedAt.has(delivery.conversation_id))
			endedAt.set(delivery.conversation_id, delivery.started_ms);
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
	for (const [conversationId, order] of dispatched) {
		const list = perConversation.get(conversationId) ?? [];
		if (list.length > 1) continuedTwice++;
		const [only] = list;
		if (list.length === 1 && only.order === order && only.customerName === 'shady') {
			continuedOnce++;
			const ended = endedAt.get(conversationId);
			if (ended !== undefined && only.outcome !== 'timed_out')
				latencies.push(only.arrivedMs - ended);
		}
	}
	latencies.sort((a, b) => a - b);
	const conversations = orders.length;
	return {
		pattern,
		conversations,
		continuedOnce,
		lost:
			[...dispatched.keys()].filter((id) => !perConversation.has(id)).length +
			(conversations - dispatched.size),
		continuedTwice,
		timedOut: followUps.filter((followUp) => followUp.outcome === 'timed_out').length,
		nonOkAnswers,
		latencyP50Ms: round(percentile(latencies, 0.5)),
		latencyP99Ms: round(percentile(latencies, 0.99)),
		latencyMaxMs: round(latencies.at(-1) ?? 0),
		wallMs,
		peakWaiting: peak.waiting,
		rssBeforeMb: round(before.rss),
		rssPeakMb: round(peak.rss),
		rssPerConversationKb: round(((peak.rss - before.rss) * 1024) / conversations),
		databaseBeforeMb: round(before.database),
		databasePeakMb: round(peak.database),
		databasePerConversationKb: round(((peak.database - before.database) * 1024) / conversations),
	};
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
 * Appends the follow-up both sides share (an HTTP Request posting what continued to the collector)
 * after the workflow's last node, creates the workflow and activates it.
 */
async function activate(
	api: N8nApi,
	workflow: WorkflowFile,
	collectorUrl: string,
	side: string,
): Promise<void> {
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
	const created = await api.createWorkflow({
		...workflow,
		nodes: [...workflow.nodes, followUp],
		connections: {
			...workflow.connections,
			[last.name]: { main: [[{ node: followUp.name, type: 'main', index: 0 }]] },
		},
	});
	await api.activateWorkflow(created.id, created.versionId);
}

// ---------------------------------------------------------------- measuring

interface Collector {
	url: string;
	of(side: string): FollowUp[];
	close(): Promise<void>;
}

/** Receives the follow-ups' posts and notes when each arrived. */
async function startCollector(): Promise<Collector> {
	const received: FollowUp[] = [];
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			const arrivedMs = Date.now();
			try {
				received.push({
					...(JSON.parse(Buffer.concat(chunks).toString('utf8')) as FollowUp),
					arrivedMs,
				});
			} catch {
				// A post that is not JSON counts as no follow-up.
			}
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end('{}');
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/follow-up`,
		of: (side) => received.filter((followUp) => followUp.side === side),
		close: async () =>
			await new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	};
}

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

// ---------------------------------------------------------------- running it alone

function printTable(figures: WaitBenchFigures): void {
	const { dispatchAndWait: a, twoWorkflows: b } = figures;
	const ratio = (x: number, y: number) => (y === 0 ? '' : `${round(x / y)}×`);
	const rows: Array<[string, string | number, string | number, string]> = [
		['Conversations', a.conversations, b.conversations, ''],
		['Continued exactly once, own extraction', a.continuedOnce, b.continuedOnce, ''],
		['Lost', a.lost, b.lost, ''],
		['Continued twice', a.continuedTwice, b.continuedTwice, ''],
		['Ended timed_out', a.timedOut, '', ''],
		['Answers other than 200', JSON.stringify(a.nonOkAnswers), JSON.stringify(b.nonOkAnswers), ''],
		[
			'Latency onEnded → follow-up, p50',
			`${a.latencyP50Ms} ms`,
			`${b.latencyP50Ms} ms`,
			ratio(a.latencyP50Ms, b.latencyP50Ms),
		],
		[
			'Latency onEnded → follow-up, p99',
			`${a.latencyP99Ms} ms`,
			`${b.latencyP99Ms} ms`,
			ratio(a.latencyP99Ms, b.latencyP99Ms),
		],
		['Latency, max', `${a.latencyMaxMs} ms`, `${b.latencyMaxMs} ms`, ''],
		[
			'Wall time, first order → last follow-up',
			`${round(a.wallMs / 1000)} s`,
			`${round(b.wallMs / 1000)} s`,
			ratio(a.wallMs, b.wallMs),
		],
		['Executions waiting at once, at most', a.peakWaiting, b.peakWaiting, ''],
		[
			'n8n RSS before → peak',
			`${a.rssBeforeMb} → ${a.rssPeakMb} MB`,
			`${b.rssBeforeMb} → ${b.rssPeakMb} MB`,
			'',
		],
		[
			'n8n RSS growth per conversation',
			`${a.rssPerConversationKb} KB`,
			`${b.rssPerConversationKb} KB`,
			ratio(a.rssPerConversationKb, b.rssPerConversationKb),
		],
		[
			'Database before → peak',
			`${a.databaseBeforeMb} → ${a.databasePeakMb} MB`,
			`${b.databaseBeforeMb} → ${b.databasePeakMb} MB`,
			'',
		],
		[
			'Database growth per conversation',
			`${a.databasePerConversationKb} KB`,
			`${b.databasePerConversationKb} KB`,
			ratio(a.databasePerConversationKb, b.databasePerConversationKb),
		],
	];
	const lines = [
		`| Figure | ${a.pattern} | ${b.pattern} | Ratio |`,
		'|---|---|---|---|',
		...rows.map((row) => `| ${row.join(' | ')} |`),
	];
	process.stdout.write(`${lines.join('\n')}\n`);
}

function option(name: string, fallback: number): number {
	const index = process.argv.indexOf(`--${name}`);
	const value = index < 0 ? undefined : Number(process.argv[index + 1]);
	return value !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
}

async function main(): Promise<void> {
	const log = (line: string): void => void process.stdout.write(`[bench wait] ${line}\n`);
	const options: WaitBenchOptions = {
		...DEFAULT_WAIT_BENCH_OPTIONS,
		conversations: option('conversations', DEFAULT_WAIT_BENCH_OPTIONS.conversations),
		concurrency: option('concurrency', DEFAULT_WAIT_BENCH_OPTIONS.concurrency),
	};
	const n8n = await startBenchN8n(log);
	try {
		const figures = await benchDispatchAndWait(n8n, options, log);
		printTable(figures);
		process.stdout.write(`${JSON.stringify(figures)}\n`);
		const a = figures.dispatchAndWait;
		if (a.lost > 0 || a.continuedTwice > 0) process.exitCode = 1;
	} finally {
		await n8n.stop();
	}
}

if (require.main === module) {
	main().catch((error: unknown) => {
		console.error(error);
		process.exitCode = 1;
	});
}
