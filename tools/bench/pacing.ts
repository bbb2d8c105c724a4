/**
 * Pacing: 150 Support ticket creations against a sandbox limit of 30 per window (a 60 s window,
 * time-scaled by 60 to one real second), in the real n8n of the end-to-end setup, side by side:
 *
 * - Velents Support (Create Ticket), its credential's Rate Limit Window set to 1 s;
 * - n8n's HTTP Request node (the version n8n ships as default) POSTing the same bodies with the same
 *   token (a Bearer Auth credential), with Retry On Fail on and n8n's defaults.
 *
 * n8n's Retry On Fail defaults, as read in n8n-core 2.41.1 (`WorkflowExecute.getRetryParams`):
 * maxTries 3 (clamped to 2..5), waitBetweenTries 1000 ms (clamped to 0..5000). A retry runs the
 * whole node again, every item of it. The HTTP Request node (V3, `HttpRequestV3.node.js`) sends all
 * items' requests at once unless its Batching option is set, and fails the node on the first item
 * that failed (no Continue On Fail).
 *
 * Both workflows: Manual Trigger → Set (the 150 tickets, one item) → Split Out (150 items) → the
 * node. Each side runs 3 times, the sides alternating, after a one-item warm-up of each; the sandbox
 * is reset before every run. The wall time is the execution's start to finish in n8n's own record;
 * a side's figures are its median run's (by wall time), and every run is kept.
 */
import { randomUUID } from 'node:crypto';

import { SUPPORT_PATHS } from '../../nodes/shared/contract';
import { DEFAULT_SUPPORT_TOKEN } from '../sandbox/server';
import type { SandboxConfigPatch } from '../sandbox/server';
import type { ExecutionDetail, WorkflowEntity } from '../n8n/api';
import type { WorkflowFile, WorkflowNode } from '../n8n/api';
import { sleep } from '../n8n/process';
import type { BenchN8n } from './environment';
import { round } from '../figures/report';

/** n8n-core 2.41.1 `getRetryParams`: `maxTries || 3`, `waitBetweenTries || 1000`. */
export const N8N_RETRY_DEFAULTS = { maxTries: 3, waitBetweenTriesMs: 1000 } as const;
/** The HTTP Request node's default version in n8n 2.41.1 (`HttpRequest.node.js` defaultVersion). */
export const HTTP_REQUEST_VERSION = 4.5;

const LIMIT = 30;
const WINDOW_SECONDS = 60;
const TIME_SCALE = 60;
const SANDBOX_SETTINGS: SandboxConfigPatch = {
	rateLimit: { limit: LIMIT, windowSeconds: WINDOW_SECONDS },
	timeScale: TIME_SCALE,
};
const WINDOW_MS = (WINDOW_SECONDS * 1000) / TIME_SCALE;
const START = 'Start';
const CREATE = 'Create ticket';
const EXECUTION_TIMEOUT_MS = 3 * 60_000;

/** One execution of one side. */
export interface PacingRun {
	/** n8n's status of the execution: success or error. */
	executionStatus: string;
	/** The error n8n recorded, if the execution failed. */
	error: string | null;
	/** Items the create node output (what the next node would get). */
	outputItems: number;
	/** Input items the node did not output as done. */
	failedItems: number;
	/** POSTs that reached the sandbox's ticket endpoint. */
	requestsSent: number;
	ticketsCreated: number;
	/** Input items whose ticket exists exactly once. */
	createdExactlyOnce: number;
	/** Tickets beyond the first of the same subject. */
	duplicates: number;
	/** Input items without any ticket. */
	neverCreated: number;
	/** 429 answers received. */
	rateLimited: number;
	/** Execution start to finish, from n8n's execution record. */
	wallMs: number;
	/** Wall time over the theoretical minimum. */
	overMinimum: number;
	/** From the first ticket POST to the last one, as the sandbox received them. */
	requestSpanMs: number;
	/**
	 * Where each window's first accepted POST arrived, from the run's first POST (the accepted POSTs
	 * taken `limit` at a time, in the order the sandbox received them).
	 */
	windowStartsMs: number[];
	/** The last window: its first accepted POST to the last POST. */
	lastWindowMs: number;
	/** Median time between consecutive POSTs inside a window: one request's cost, end to end. */
	perRequestMs: number;
}

/** A side: its median run (by wall time) in the top-level figures, and every run. */
export interface PacingSide extends PacingRun {
	node: string;
	runs: PacingRun[];
}

export interface PacingFigures {
	items: number;
	limit: number;
	windowMs: number;
	/** (ceil(items / limit) - 1) windows: the first window's requests go at once, each later one waits for its window. */
	theoreticalMinMs: number;
	retryDefaults: typeof N8N_RETRY_DEFAULTS;
	httpRequestVersion: number;
	/** Runs per side, alternating the sides. */
	runsPerSide: number;
	velents: PacingSide;
	httpRequest: PacingSide;
}

interface TicketRow {
	subject: string;
	message: string;
}

/** The tickets: distinct subjects, so that a duplicate is a subject seen twice. */
export function ticketRows(count: number): TicketRow[] {
	const width = String(count).length;
	return Array.from({ length: count }, (_, index) => ({
		subject: `Pacing ticket ${String(index + 1).padStart(width, '0')} of ${count}`,
		message: `Order ${1000 + index} arrived damaged; the customer asks for a replacement.`,
	}));
}

export async function benchPacing(
	env: BenchN8n,
	items = 150,
	runsPerSide = 3,
): Promise<PacingFigures> {
	const { api, sandbox } = env;
	const velentsCredential = await api.createCredential({
		name: 'Velents Support (bench, 1 s window)',
		type: 'velentsSupportApi',
		data: {
			token: DEFAULT_SUPPORT_TOKEN,
			baseUrl: sandbox.url,
			rateLimitWindowSeconds: WINDOW_MS / 1000,
		},
	});
	const bearerCredential = await api.createCredential({
		name: 'Velents Support token (Bearer Auth)',
		type: 'httpBearerAuth',
		data: { token: DEFAULT_SUPPORT_TOKEN },
	});

	const velentsNode = (): Omit<WorkflowNode, 'id' | 'position'> => ({
		name: CREATE,
		type: 'n8n-nodes-velents.velentsSupport',
		typeVersion: 1,
		parameters: {
			resource: 'ticket',
			operation: 'create',
			subject: '={{ $json.subject }}',
			additionalFields: { message: '={{ $json.message }}', priority: 'medium' },
		},
		credentials: { velentsSupportApi: { id: velentsCredential.id, name: velentsCredential.name } },
	});
	const httpRequestNode = (): Omit<WorkflowNode, 'id' | 'position'> & Record<string, unknown> => ({
		name: CREATE,
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: HTTP_REQUEST_VERSION,
		parameters: {
			method: 'POST',
			url: `${sandbox.url}${SUPPORT_PATHS.tickets}`,
			authentication: 'genericCredentialType',
			genericAuthType: 'httpBearerAuth',
			sendBody: true,
			contentType: 'json',
			specifyBody: 'json',
			jsonBody:
				"={{ JSON.stringify({ subject: $json.subject, message: $json.message, priority: 'medium' }) }}",
			options: {},
		},
		credentials: { httpBearerAuth: { id: bearerCredential.id, name: bearerCredential.name } },
		// Node settings: Retry On Fail, with Max Tries and Wait Between Tries left unset, so n8n applies N8N_RETRY_DEFAULTS.
		retryOnFail: true,
	});

	const rows = ticketRows(items);
	const create = async (name: string, node: ReturnType<typeof velentsNode>, count: number) =>
		await api.createWorkflow(pacingWorkflow(name, rows.slice(0, count), node));
	const velentsWarmUp = await create('Bench pacing warm-up: Velents Support', velentsNode(), 1);
	const httpWarmUp = await create('Bench pacing warm-up: HTTP Request', httpRequestNode(), 1);
	const velentsWorkflow = await create('Bench pacing: Velents Support', velentsNode(), items);
	const httpWorkflow = await create(
		'Bench pacing: HTTP Request (Retry On Fail)',
		httpRequestNode(),
		items,
	);

	const fresh = async (): Promise<void> => {
		sandbox.reset();
		sandbox.configure(SANDBOX_SETTINGS);
		// Any window (the sandbox's, and the node's estimate of it) from before has ended.
		await sleep(WINDOW_MS * 1.5);
	};
	// Loads both nodes into n8n and warms the paths, so that neither side pays a first-run cost.
	for (const workflow of [velentsWarmUp, httpWarmUp]) {
		await fresh();
		const execution = await runOnce(env, workflow);
		if (execution.status !== 'success')
			throw new Error(`Pacing warm-up "${workflow.name}" ended ${execution.status}.`);
	}

	const theoreticalMinMs = (Math.ceil(items / LIMIT) - 1) * WINDOW_MS;
	const sides = [
		{ node: 'Velents Support: Create Ticket', workflow: velentsWorkflow, runs: [] as PacingRun[] },
		{
			node: `HTTP Request ${HTTP_REQUEST_VERSION}, Retry On Fail (n8n defaults)`,
			workflow: httpWorkflow,
			runs: [] as PacingRun[],
		},
	];
	for (let run = 0; run < runsPerSide; run++) {
		for (const side of run % 2 === 0 ? sides : [...sides].reverse()) {
			await fresh();
			const execution = await runOnce(env, side.workflow);
			side.runs.push(describeRun(execution, env, rows, theoreticalMinMs));
		}
	}
	sandbox.reset();
	const [velents, httpRequest] = sides.map(({ node, runs }): PacingSide => {
		const median = [...runs].sort((a, b) => a.wallMs - b.wallMs)[Math.floor(runs.length / 2)];
		return { node, ...median, runs };
	});
	return {
		items,
		limit: LIMIT,
		windowMs: WINDOW_MS,
		theoreticalMinMs,
		retryDefaults: N8N_RETRY_DEFAULTS,
		httpRequestVersion: HTTP_REQUEST_VERSION,
		runsPerSide,
		velents,
		httpRequest,
	};
}

async function runOnce(env: BenchN8n, workflow: WorkflowEntity): Promise<ExecutionDetail> {
	const executionId = await env.api.runManually(workflow.id, START);
	return await env.api.waitForExecution(executionId, EXECUTION_TIMEOUT_MS);
}

function describeRun(
	execution: ExecutionDetail,
	env: BenchN8n,
	rows: readonly TicketRow[],
	theoreticalMinMs: number,
): PacingRun {
	const requests = env.sandbox.requests({ method: 'POST', path: SUPPORT_PATHS.tickets });
	const perSubject = new Map<string, number>();
	for (const ticket of env.sandbox.tickets())
		perSubject.set(ticket.subject, (perSubject.get(ticket.subject) ?? 0) + 1);
	const run = nodeRun(execution, CREATE);
	const wallMs = Date.parse(execution.stoppedAt ?? '') - Date.parse(execution.startedAt ?? '');
	const arrivals = requests
		.map((request) => ({ at: Date.parse(request.received_at), accepted: request.status !== 429 }))
		.sort((a, b) => a.at - b.at);
	const first = arrivals[0]?.at ?? 0;
	const last = arrivals[arrivals.length - 1]?.at ?? 0;
	const accepted = arrivals.filter((arrival) => arrival.accepted);
	const windows = Array.from({ length: Math.ceil(accepted.length / LIMIT) }, (_, index) =>
		accepted.slice(index * LIMIT, (index + 1) * LIMIT),
	);
	const insideGaps = windows.flatMap((window) =>
		window.slice(1).map((arrival, index) => arrival.at - window[index].at),
	);
	const lastWindowStart = windows[windows.length - 1]?.[0]?.at ?? last;
	return {
		executionStatus: execution.status,
		error: run.error,
		outputItems: run.items,
		failedItems: rows.length - run.items,
		requestsSent: requests.length,
		ticketsCreated: [...perSubject.values()].reduce((sum, count) => sum + count, 0),
		createdExactlyOnce: rows.filter((row) => perSubject.get(row.subject) === 1).length,
		duplicates: [...perSubject.values()].reduce((sum, count) => sum + Math.max(0, count - 1), 0),
		neverCreated: rows.filter((row) => !perSubject.has(row.subject)).length,
		rateLimited: requests.filter((request) => request.status === 429).length,
		wallMs,
		overMinimum: round(wallMs / theoreticalMinMs),
		requestSpanMs: last - first,
		windowStartsMs: windows.map((window) => window[0].at - first),
		lastWindowMs: last - lastWindowStart,
		perRequestMs: median(insideGaps),
	};
}

function median(values: readonly number[]): number {
	if (values.length === 0) return 0;
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Manual Trigger → Set (all tickets in one item) → Split Out (one item per ticket) → the node. */
function pacingWorkflow(
	name: string,
	rows: readonly TicketRow[],
	node: Omit<WorkflowNode, 'id' | 'position'>,
): WorkflowFile {
	const nodes: WorkflowNode[] = [
		{
			id: randomUUID(),
			name: START,
			type: 'n8n-nodes-base.manualTrigger',
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		},
		{
			id: randomUUID(),
			name: 'Tickets',
			type: 'n8n-nodes-base.set',
			typeVersion: 3.4,
			position: [220, 0],
			parameters: { mode: 'raw', jsonOutput: JSON.stringify({ tickets: rows }), options: {} },
		},
		{
			id: randomUUID(),
			name: 'One item per ticket',
			type: 'n8n-nodes-base.splitOut',
			typeVersion: 1,
			position: [440, 0],
			parameters: { fieldToSplitOut: 'tickets', include: 'noOtherFields', options: {} },
		},
		{ ...node, id: randomUUID(), position: [660, 0] },
	];
	const connections: Record<string, unknown> = {};
	nodes.slice(0, -1).forEach((from, index) => {
		connections[from.name] = { main: [[{ node: nodes[index + 1].name, type: 'main', index: 0 }]] };
	});
	return { name, nodes, connections, settings: { executionOrder: 'v1' } };
}

/** The items a node output in its last run, and its error, from n8n's (flatted) execution record. */
export function nodeRun(
	execution: ExecutionDetail,
	nodeName: string,
): { items: number; error: string | null } {
	const data = parseFlatted(execution.data) as {
		resultData?: {
			error?: { message?: string };
			runData?: Record<
				string,
				Array<{ data?: { main?: Array<unknown[] | null> }; error?: { message?: string } }>
			>;
		};
	};
	const runs = data.resultData?.runData?.[nodeName] ?? [];
	const last = runs[runs.length - 1];
	const items = last?.data?.main?.[0]?.length ?? 0;
	const error = last?.error?.message ?? data.resultData?.error?.message ?? null;
	return { items: last?.error ? 0 : items, error };
}

/**
 * `flatted.parse`: n8n stores run data as a flat JSON array whose first entry is the root; inside
 * objects and arrays every string is the index (as text) of its value in that array.
 */
export function parseFlatted(text: string): unknown {
	const input = JSON.parse(text) as unknown[];
	const revived = new Map<number, unknown>();
	const revive = (index: number): unknown => {
		if (revived.has(index)) return revived.get(index);
		const value = input[index];
		if (typeof value !== 'object' || value === null) {
			revived.set(index, value);
			return value;
		}
		const copy: Record<string, unknown> | unknown[] = Array.isArray(value) ? [] : {};
		revived.set(index, copy);
		for (const [key, entry] of Object.entries(value)) {
			(copy as Record<string, unknown>)[key] =
				typeof entry === 'string' ? revive(Number(entry)) : entry;
		}
		return copy;
	};
	return revive(0);
}
