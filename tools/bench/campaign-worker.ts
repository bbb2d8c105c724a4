/**
 * One campaign scenario in a process of its own, so that its peak memory is its own. Prints one
 * JSON line: {ms, peakRssMb, baselineRssMb, items}. Started by tools/bench/campaign.ts.
 *
 *   tsx tools/bench/campaign-worker.ts <node-batch|node-dispatch|bare-batch> <sandbox url> <rows>
 */
import http from 'node:http';

import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { BATCH_LIMITS } from '../../nodes/shared/contract';
import type { BatchRequest } from '../../nodes/shared/contract/types';
import { DEFAULT_AGENT_TOKEN } from '../sandbox/options';

export type CampaignVariant = 'node-batch' | 'node-batch-automap' | 'node-dispatch' | 'bare-batch';

const ROWS_PER_CALL = BATCH_LIMITS.defaultRowsPerCall;
const CHANNEL_VOICE = 3;

/** The campaign's input: what a sheet of reminders looks like, Arabic included. */
export function campaignRows(count: number): IDataObject[] {
	return Array.from({ length: count }, (_, index) => ({
		phone: `+9665${String(index).padStart(8, '0')}`,
		order_id: `O-${index}`,
		company_name: index % 2 ? 'acme' : 'شركة أكمي',
	}));
}

const credentialsFor = (url: string) => ({
	velentsAgentApi: { token: DEFAULT_AGENT_TOKEN, baseUrl: url, rateLimitWindowSeconds: 60 },
});

/** Loads the package and warms the engine with a read, so that the timed run measures the run only. */
async function warmUp(url: string): Promise<void> {
	const { linearWorkflow, runFlow } = await engine();
	const workflow = linearWorkflow({
		name: 'Warm Up',
		type: 'n8n-nodes-velents.velentsAgent',
		parameters: { operation: 'getConfiguration' },
	});
	await runFlow(workflow, credentialsFor(url));
}

/** n8n's engine, loaded only by the scenarios that use it (the bare client must not pay for it). */
async function engine() {
	return await import('../harness/workflows');
}

/** Variables per row: mapped field by field with expressions, or "Map Automatically" from the input fields. */
type VariablesMapping = 'expressions' | 'automatic';

const MAPPERS: Record<VariablesMapping, INodeParameters> = {
	expressions: {
		mappingMode: 'defineBelow',
		value: { company_name: '={{ $json.company_name }}', order_id: '={{ $json.order_id }}' },
		matchingColumns: [],
		schema: [],
	},
	automatic: {
		mappingMode: 'autoMapInputData',
		value: null,
		matchingColumns: [],
		schema: [{ id: 'company_name' }, { id: 'order_id' }],
	},
};

async function viaNode(
	operation: 'batch' | 'dispatch',
	url: string,
	rows: IDataObject[],
	mapping: VariablesMapping = 'expressions',
): Promise<number> {
	const { items, linearWorkflow, runFlow } = await engine();
	const workflow = linearWorkflow({
		name: 'Velents Agent',
		type: 'n8n-nodes-velents.velentsAgent',
		parameters: {
			operation,
			channelId: CHANNEL_VOICE,
			phone: '={{ $json.phone }}',
			variablesInput: 'mapper',
			variables: MAPPERS[mapping],
			rowsPerCall: ROWS_PER_CALL,
			batchName: 'Campaign',
		},
	});
	const result = await runFlow(workflow, credentialsFor(url), items(...rows));
	if (result.error) throw new Error(result.error.message);
	return result.outputOf('Velents Agent').length;
}

/** The physical limit: the same Batch payloads, built and posted by a bare Node HTTP client. */
async function viaBareClient(url: string, rows: IDataObject[]): Promise<number> {
	const agent = new http.Agent({ keepAlive: true });
	for (let start = 0; start < rows.length; start += ROWS_PER_CALL) {
		const chunk = rows.slice(start, start + ROWS_PER_CALL);
		const body: BatchRequest = {
			channel_id: CHANNEL_VOICE,
			name: 'Campaign',
			rows: chunk.map((row) => ({
				phone: String(row.phone),
				values: { company_name: String(row.company_name), order_id: String(row.order_id) },
			})),
		};
		await post(agent, `${url}/Integration/Agent/Batch`, body);
	}
	agent.destroy();
	return rows.length;
}

function post(agent: http.Agent, url: string, body: unknown): Promise<void> {
	const payload = Buffer.from(JSON.stringify(body));
	return new Promise((resolve, reject) => {
		const request = http.request(
			url,
			{
				method: 'POST',
				agent,
				headers: {
					authorization: `Bearer ${DEFAULT_AGENT_TOKEN}`,
					'content-type': 'application/json',
					'content-length': payload.length,
				},
			},
			(response) => {
				response.resume();
				response.on('end', () =>
					response.statusCode && response.statusCode < 300
						? resolve()
						: reject(new Error(`HTTP ${response.statusCode}`)),
				);
			},
		);
		request.on('error', reject);
		request.end(payload);
	});
}

async function main(): Promise<void> {
	const [variant, url, count] = process.argv.slice(2) as [CampaignVariant, string, string];
	const rows = campaignRows(Number(count));
	if (variant !== 'bare-batch') await warmUp(url);
	const baselineRssMb = process.memoryUsage().rss / 2 ** 20;
	const started = process.hrtime.bigint();
	const output =
		variant === 'bare-batch'
			? await viaBareClient(url, rows)
			: variant === 'node-dispatch'
				? await viaNode('dispatch', url, rows)
				: await viaNode(
						'batch',
						url,
						rows,
						variant === 'node-batch-automap' ? 'automatic' : 'expressions',
					);
	const ms = Number(process.hrtime.bigint() - started) / 1e6;
	const peakRssMb = process.resourceUsage().maxRSS / 1024;
	process.stdout.write(`${JSON.stringify({ ms, peakRssMb, baselineRssMb, items: output })}\n`);
}

if (require.main === module) {
	main().catch((error: unknown) => {
		console.error(error);
		process.exit(1);
	});
}
