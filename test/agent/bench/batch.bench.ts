/**
 * Batch at scale through n8n's real engine (the workflow harness, built dist/) against the sandbox.
 * Prints figures; asserts nothing (these machines are shared and noisy). Linear work shows as a
 * 10,000-row / 1,000-row time ratio near 10; quadratic work would make it near 100.
 *
 *   npx tsc -p tsconfig.build.json && npx gulp build && npx tsx test/agent/bench/batch.bench.ts
 */
import type { IDataObject } from 'n8n-workflow';

import { DEFAULT_AGENT_TOKEN, startSandbox } from '../../../sandbox/server';
import { items, linearWorkflow, runFlow } from '../../helpers/workflows';

const phoneOf = (index: number) => `+9665${String(index).padStart(8, '0')}`;

interface Figures {
	rows: number;
	mode: string;
	calls: number;
	ms: number;
	heapMb: number;
	/** Time the sandbox spent answering (parsing and validating the rows), inside `ms`. */
	serverMs: number;
}

async function main(): Promise<void> {
	const sandbox = await startSandbox({ rateLimit: { limit: 1000 } });
	const credentials = { velentsAgentApi: { token: DEFAULT_AGENT_TOKEN, baseUrl: sandbox.url, rateLimitWindowSeconds: 60 } };

	const run = async (rows: number, mode: 'mapper' | 'json'): Promise<Figures> => {
		sandbox.reset();
		sandbox.configure({ rateLimit: { limit: 1000 } });
		const input = items(
			...Array.from({ length: rows }, (_, index): IDataObject => ({
				phone: index % 3 ? phoneOf(index) : `00 966 5${String(index).padStart(8, '0')}`,
				order_id: `O-${index}`,
				vars: index % 2 ? { order_id: `O-${index}`, company_name: 'شركة أكمي' } : { company_name: 'acme', city: 'جدة' },
			})),
		);
		const parameters: IDataObject =
			mode === 'mapper'
				? {
						variablesInput: 'mapper',
						variables: {
							mappingMode: 'defineBelow',
							value: { company_name: 'acme', order_id: '={{ $json.order_id }}' },
							matchingColumns: [],
							schema: [],
							attemptToConvertTypes: false,
							convertFieldsToString: false,
						},
					}
				: { variablesInput: 'json', variablesJson: '={{ $json.vars }}' };
		const workflow = linearWorkflow({
			name: 'Batch Call',
			type: 'n8n-nodes-velents.velentsAgent',
			parameters: { operation: 'batch', channelId: 3, phone: '={{ $json.phone }}', rowsPerCall: 500, ...parameters },
		});
		global.gc?.();
		const heapBefore = process.memoryUsage().heapUsed;
		const started = process.hrtime.bigint();
		const result = await runFlow(workflow, credentials, input);
		const ms = Number(process.hrtime.bigint() - started) / 1e6;
		const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
		if (result.error) throw new Error(`${mode} ${rows}: ${result.error.message}`);
		const output = result.outputOf('Batch Call');
		if (output.length !== rows) throw new Error(`${rows} rows gave ${output.length} items`);
		const calls = sandbox.requests({ method: 'POST', path: '/Integration/Agent/Batch' });
		const serverMs = calls.reduce((sum, request) => sum + (request.duration_ms ?? 0), 0);
		return { rows, mode, calls: calls.length, ms, heapMb, serverMs };
	};

	await run(500, 'mapper'); // warm-up: module loading, JIT
	const figures: Figures[] = [];
	for (const mode of ['mapper', 'json'] as const) {
		figures.push(await run(1000, mode), await run(10_000, mode));
	}
	await sandbox.close();

	console.log('rows    mode    calls  time (ms)  ms/row  heap Δ (MB)  sandbox (ms)');
	for (const f of figures) {
		console.log(
			`${String(f.rows).padEnd(7)} ${f.mode.padEnd(7)} ${String(f.calls).padEnd(6)} ${f.ms.toFixed(0).padStart(9)}  ${(f.ms / f.rows).toFixed(3).padStart(6)}  ${f.heapMb.toFixed(1).padStart(10)}  ${f.serverMs.toFixed(0).padStart(12)}`,
		);
	}
	for (const mode of ['mapper', 'json']) {
		const [small, large] = figures.filter((f) => f.mode === mode);
		console.log(`${mode}: time(10,000) / time(1,000) = ${(large.ms / small.ms).toFixed(1)} (10 = linear)`);
	}
}

void main().catch((error: unknown) => {
	console.error(error);
	process.exitCode = 1;
});
