/**
 * Re-runnable campaigns ("Skip Contacts Already Dispatched"), in n8n's engine through the harness,
 * against the sandbox, in one process so that the ratios compare like with like:
 *
 * - cost: the same 10,000-row Batch without the option, with it on an empty store, with it when
 *   100,000 keys are already recorded (the retention it is sized for), and run again (all skipped);
 * - storage: rows and bytes the store holds per recorded key (the same row shape as n8n's table:
 *   one JSON list of md5/base64 hashes per workflow and scope);
 * - the race: two executions started together over the same customers, with the store's read and
 *   write set `latencyMs` apart as a database round trip would be: customers reached twice, and
 *   keys one execution's write erased from the other (n8n's check has no lock: last write wins).
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { DEFAULT_AGENT_TOKEN, startSandbox, type Sandbox } from '../sandbox/server';
import { round } from '../figures/report';

export interface RaceFigures {
	latencyMs: number;
	customers: number;
	/** Customers both executions reached. */
	reachedTwice: number;
	/** Keys sent and accepted but missing from the store after both executions. */
	keysLost: number;
}

export interface RerunFigures {
	rows: number;
	rowsPerCall: number;
	withoutMs: number;
	emptyStoreMs: number;
	fullStoreMs: number;
	allSkippedMs: number;
	/** With the option over without it, first run, empty store. */
	emptyStoreRatio: number;
	/** With 100,000 keys recorded before the run, over without the option. */
	fullStoreRatio: number;
	storeRows: number;
	bytesPerKey: number;
	/** The one row's size at the default retention (100,000 keys), each check reads and writes it. */
	rowBytesAtRetention: number;
	/** One check of a Batch call (500 keys) against 100,000 recorded keys, store latency 0. */
	checkMsAtRetention: number;
	dispatchRaces: RaceFigures[];
	batchRaces: RaceFigures[];
}

const RETENTION = 100_000;

export async function benchRerun(rows = 10_000): Promise<RerunFigures> {
	// The harness must load first: it sets n8n's environment before n8n-core reads it.
	const harness = await import('../harness');
	const { linearWorkflow, runFlow } = await import('../harness/workflows');
	const store = await harness.harnessDeduplicationStore();
	const sandbox: Sandbox = await startSandbox({ rateLimit: { limit: 10_000_000 } });
	const credentials = {
		velentsAgentApi: {
			token: DEFAULT_AGENT_TOKEN,
			baseUrl: sandbox.url,
			rateLimitWindowSeconds: 60,
		},
	};
	const customers = (count: number, from = 0): INodeExecutionData[] =>
		Array.from({ length: count }, (_, index) => ({
			json: { phone: `+9665${String(from + index).padStart(8, '0')}`, order_id: `O-${index}` },
		}));
	const flow = (operation: string, skip: boolean, extra: IDataObject = {}) =>
		linearWorkflow({
			name: 'Campaign',
			type: 'n8n-nodes-velents.velentsAgent',
			parameters: {
				operation,
				channelId: 3,
				batchName: 'Bench',
				phone: '={{ $json.phone }}',
				variablesInput: 'json',
				variablesJson: '={{ JSON.stringify({ company_name: "acme", order_id: $json.order_id }) }}',
				skipDispatched: skip,
				...extra,
			},
		});
	const timed = async (operation: string, skip: boolean, input: INodeExecutionData[]) => {
		const started = performance.now();
		const result = await runFlow(flow(operation, skip), credentials, input);
		const elapsed = performance.now() - started;
		if (result.error) throw new Error(`${operation}: ${result.error.message}`);
		return elapsed;
	};
	const fresh = () => {
		sandbox.reset();
		sandbox.configure({ rateLimit: { limit: 10_000_000 } });
		store.reset();
	};

	try {
		const input = customers(rows);
		fresh();
		await timed('batch', false, customers(1_000, 900_000)); // warm-up: modules, expressions
		fresh();
		const withoutMs = await timed('batch', false, input);
		fresh();
		const emptyStoreMs = await timed('batch', true, input);
		const footprint = store.footprint();
		const allSkippedMs = await timed('batch', true, input);

		// 100,000 keys of an earlier campaign in the same scope: every call checks against them.
		fresh();
		await timed('batch', true, customers(RETENTION, 1_000_000));
		const fullRow = store.footprint();
		const fullStoreMs = await timed('batch', true, input);
		const checkMsAtRetention = await timeOneCheck(store, fullRow);

		const dispatchRaces: RaceFigures[] = [];
		const batchRaces: RaceFigures[] = [];
		for (const latencyMs of [0, 5, 50]) {
			dispatchRaces.push(await race('dispatch', 50, latencyMs));
			batchRaces.push(await race('batch', 1_000, latencyMs));
		}
		return {
			rows,
			rowsPerCall: 500,
			withoutMs: round(withoutMs),
			emptyStoreMs: round(emptyStoreMs),
			fullStoreMs: round(fullStoreMs),
			allSkippedMs: round(allSkippedMs),
			emptyStoreRatio: round(emptyStoreMs / withoutMs),
			fullStoreRatio: round(fullStoreMs / withoutMs),
			storeRows: footprint.rows,
			bytesPerKey: round(footprint.bytes / footprint.entries),
			rowBytesAtRetention: fullRow.bytes,
			checkMsAtRetention: round(checkMsAtRetention),
			dispatchRaces,
			batchRaces,
		};
	} finally {
		store.reset();
		await sandbox.close();
	}

	/** Two executions at once over the same customers. */
	async function race(operation: string, count: number, latencyMs: number): Promise<RaceFigures> {
		fresh();
		store.latencyMs = latencyMs;
		const input = customers(count);
		const workflow = flow(operation, true);
		await Promise.all([
			runFlow(workflow, credentials, input),
			runFlow(workflow, credentials, input),
		]);
		store.latencyMs = 0;
		const phones = [
			...sandbox.dispatches().map((record) => record.conversation.phone),
			...sandbox.batches().flatMap((batch) => batch.rows.map((row) => row.phone)),
		];
		const reached = new Set(phones);
		// Each phone sent and accepted must be recorded: a check-and-record run again finds it.
		const recorded = await store.checkProcessedAndRecord(
			[...reached].map((phone) => `agent velentsAgentApi-1 | ${phone}`),
			'workflow',
			{ workflow: { id: 'harness-workflow', active: false } },
			{ mode: 'entries', maxEntries: RETENTION },
		);
		return {
			latencyMs,
			customers: count,
			reachedTwice: phones.length - reached.size,
			keysLost: recorded.new.length,
		};
	}
}

/** One Batch call's check (500 new keys) against the full row, then the row put back. */
async function timeOneCheck(
	store: import('../harness').InMemoryDeduplicationStore,
	full: { rows: number },
): Promise<number> {
	if (full.rows !== 1) throw new Error(`expected one store row, found ${full.rows}`);
	const [row, value] = [...store.rows][0];
	const keys = Array.from({ length: 500 }, (_, index) => `agent x | +1${index}`);
	const started = performance.now();
	await store.checkProcessedAndRecord(
		keys,
		'workflow',
		{ workflow: { id: 'harness-workflow', active: false } },
		{ mode: 'entries', maxEntries: RETENTION },
	);
	const elapsed = performance.now() - started;
	store.rows.set(row, value);
	return elapsed;
}
