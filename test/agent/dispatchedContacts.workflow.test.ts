/**
 * "Skip Contacts Already Dispatched" inside n8n's real engine (n8n-core's WorkflowExecute and its
 * `helpers.checkProcessedAndRecord`, over the harness's in-memory store), against the sandbox:
 * a campaign run again reaches only the customers it has not reached yet; Dispatch and Wait goes on
 * at once, without waiting, for a customer already reached.
 *
 * Needs `npx tsc -p tsconfig.build.json && npx gulp build` first (npm test does it).
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { DEFAULT_AGENT_TOKEN, startSandbox, type Sandbox } from '../../tools/sandbox/server';
import {
	harnessDeduplicationStore,
	type CredentialsByType,
	type InMemoryDeduplicationStore,
} from '../../tools/harness';
import {
	startWaitingWebhookServer,
	type WaitingWebhookServer,
} from '../../tools/harness/waiting-webhooks';
import { sandboxCredentialData } from '../../tools/n8n/examples';
import { PACKAGE_DIR, linearWorkflow, runFlow, type Step } from '../../tools/harness/workflows';
import { customerRowParameters } from './fixtures';

let sandbox: Sandbox;
let store: InMemoryDeduplicationStore;
let waitingServer: WaitingWebhookServer;

beforeAll(async () => {
	// Campaigns of hundreds of requests: the rate limit is not what these tests are about.
	sandbox = await startSandbox({ rateLimit: { limit: 100_000 } });
	store = await harnessDeduplicationStore();
	waitingServer = await startWaitingWebhookServer();
});
afterAll(async () => {
	await waitingServer.close();
	await sandbox.close();
});
beforeEach(() => {
	sandbox.reset();
	store.reset();
});

const credentials = () => ({
	velentsAgentApi: { token: DEFAULT_AGENT_TOKEN, baseUrl: sandbox.url, rateLimitWindowSeconds: 60 },
});

const phoneOf = (index: number) => `+9665${String(index).padStart(8, '0')}`;

const customers = (count: number, from = 0): INodeExecutionData[] =>
	Array.from({ length: count }, (_, index) => ({
		json: { phone: phoneOf(from + index), order_id: `O-${from + index}` },
	}));

const agentStep = (
	operation: 'dispatch' | 'batch',
	parameters: IDataObject = {},
	onError?: Step['onError'],
): Step => ({
	name: 'Reach Customers',
	type: 'n8n-nodes-velents.velentsAgent',
	onError,
	parameters: {
		operation,
		...customerRowParameters,
		skipDispatched: true,
		...parameters,
	},
});

const run = async (step: Step, input: INodeExecutionData[]) =>
	await runFlow(linearWorkflow(step), credentials(), input);

const sentPhones = () => [
	...sandbox.dispatches().map((record) => record.conversation.phone),
	...sandbox.batches().flatMap((batch) => batch.rows.map((row) => row.phone)),
];

describe('Dispatch', () => {
	it('run twice over the same 50 items: 50 conversations in all; the second run skips every item, paired', async () => {
		const first = await run(agentStep('dispatch'), customers(50));
		expect(first.error).toBeUndefined();
		expect(first.outputOf('Reach Customers')[0].json).toMatchObject({
			phone: phoneOf(0),
			dispatchKey: `agent velentsAgentApi-1 | ${phoneOf(0)}`,
		});

		const second = await run(agentStep('dispatch'), customers(50));
		expect(second.error).toBeUndefined();
		expect(sandbox.dispatches()).toHaveLength(50);
		const output = second.outputOf('Reach Customers');
		expect(output).toHaveLength(50);
		output.forEach((item, index) => {
			expect(item.pairedItem).toEqual({ item: index });
			expect(item.json).toEqual({
				skipped: true,
				phone: phoneOf(index),
				dispatchKey: `agent velentsAgentApi-1 | ${phoneOf(index)}`,
				dispatchedBy: 'earlierRun',
				reason:
					"already dispatched by an earlier run: its key is in n8n's store, which keeps no time",
				firstDispatchedAt: null,
			});
		});
	});

	it('a changed Dispatch Key expression dispatches again; the same one does not', async () => {
		const campaign = (name: string) => agentStep('dispatch', { dispatchKey: `={{ "${name}" }}` });
		await run(campaign('june'), customers(5));
		await run(campaign('june'), customers(5));
		expect(sandbox.dispatches()).toHaveLength(5);

		const july = await run(campaign('july'), customers(5));
		expect(july.error).toBeUndefined();
		expect(sandbox.dispatches()).toHaveLength(10);
		expect(july.outputOf('Reach Customers')[0].json.dispatchKey).toBe(
			`agent velentsAgentApi-1 | ${phoneOf(0)} | july`,
		);
	});

	it('the same customer twice in one run is reached once; the repeat says which item reached it, and when', async () => {
		const result = await run(agentStep('dispatch'), [...customers(2), ...customers(1)]);
		expect(sandbox.dispatches()).toHaveLength(2);
		expect(result.outputOf('Reach Customers')[2].json).toMatchObject({
			skipped: true,
			dispatchedBy: 'thisRun',
			reason: 'already dispatched in this run (item 0)',
			firstDispatchedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
		});
	});

	it('a failed conversation is not recorded and says so; running again reaches it', async () => {
		sandbox.injectFault({ method: 'POST', path: '/Integration/Agent/Dispatch', status: 500 });
		const first = await run(agentStep('dispatch', {}, 'continueRegularOutput'), customers(3));
		const [failed] = first.outputOf('Reach Customers');
		expect(failed.json.error).toMatch(/Velents failed \(500\)/);
		expect(failed.json.message).toMatch(
			/Velents may have acted on it already.*Its Dispatch Key "agent velentsAgentApi-1 \| \+966500000000" was not recorded: running again sends it again/,
		);

		await run(agentStep('dispatch'), customers(3));
		expect(sentPhones()).toEqual([phoneOf(1), phoneOf(2), phoneOf(0)]);
	});

	it('Forget Recorded Keys First clears the scope: everyone is reached again', async () => {
		await run(agentStep('dispatch'), customers(3));
		await run(agentStep('dispatch', { forgetDispatched: true }), customers(3));
		expect(sandbox.dispatches()).toHaveLength(6);
	});

	it('per node: another node of the workflow does not see the keys; per workflow it does', async () => {
		const twoNodes = (scope: string) => {
			const workflow = linearWorkflow(
				{ ...agentStep('dispatch', { dispatchKeyScope: scope }), name: 'First' },
				{ ...agentStep('dispatch', { dispatchKeyScope: scope }), name: 'Second' },
			);
			// The second node reads the customers from the first node's input.
			workflow.nodes[2].parameters.phone = "={{ $('Start').item.json.phone }}";
			workflow.nodes[2].parameters.variablesJson =
				'={{ JSON.stringify({ company_name: "acme", order_id: $("Start").item.json.order_id }) }}';
			return workflow;
		};
		await runFlow(twoNodes('node'), credentials(), customers(2));
		expect(sandbox.dispatches()).toHaveLength(4);
		sandbox.reset();
		await runFlow(twoNodes('workflow'), credentials(), customers(2, 10));
		expect(sandbox.dispatches()).toHaveLength(2);
	});

	it('Keys Kept bounds the list, oldest first: a campaign larger than it is reached again in full', async () => {
		await run(agentStep('dispatch', { dispatchKeysKept: 3 }), customers(5));
		expect(store.footprint().entries).toBe(3);
		await run(agentStep('dispatch', { dispatchKeysKept: 3 }), customers(5));
		// 0 and 1 were forgotten; sending them again pushes out 2 and 3 before they are checked, and so on.
		expect(sandbox.dispatches()).toHaveLength(10);
	});
});

describe('Batch', () => {
	it('1,000 rows stopped after call 1, run again: only the remaining rows are sent', async () => {
		const batch = agentStep('batch', { batchName: 'June', rowsPerCall: 500 });
		sandbox.injectFault({ skip: 1, method: 'POST', path: '/Integration/Agent/Batch', status: 422 });
		const first = await run(batch, customers(1000));
		expect(first.status).toBe('error');
		expect(first.error?.message).toMatch(/^Batch call 2 of 2 failed/);
		expect(first.error?.description).toMatch(
			/Running again skips their rows \(Skip Contacts Already Dispatched is on\)/,
		);
		expect(first.error?.description).toMatch(/Its 500 Dispatch Keys were not recorded/);
		expect(sandbox.batches()).toHaveLength(1);

		const second = await run(batch, customers(1000));
		expect(second.error).toBeUndefined();
		const batches = sandbox.batches();
		expect(batches.map((record) => [record.name, record.rows.length])).toEqual([
			['June (1/2)', 500],
			['June (2/2)', 500],
		]);
		expect(new Set(sentPhones()).size).toBe(1000);
		const output = second.outputOf('Reach Customers');
		expect(output.filter((item) => item.json.skipped === true)).toHaveLength(500);
		expect(output[0]).toEqual({
			json: expect.objectContaining({ skipped: true, phone: phoneOf(0) }),
			pairedItem: { item: 0 },
		});
		expect(output[999]).toEqual({
			json: expect.objectContaining({
				sent: true,
				dispatchKey: `agent velentsAgentApi-1 | ${phoneOf(999)}`,
				batch: expect.objectContaining({ call: 2, calls: 2, rowInCall: 499 }),
			}),
			pairedItem: { item: 999 },
		});
	});

	it('a call whose rows were all dispatched is not sent at all; a new row goes in its own call', async () => {
		const batch = agentStep('batch', { batchName: 'June', rowsPerCall: 2 });
		await run(batch, customers(4));
		await run(batch, customers(5));
		expect(sandbox.batches().map((record) => [record.name, record.rows.length])).toEqual([
			['June (1/2)', 2],
			['June (2/2)', 2],
			['June (3/3)', 1],
		]);
	});

	it('a Dispatch Key that gives an object fails its row, naming item and field, before any call', async () => {
		const input = customers(2);
		input[1].json.campaign = { name: 'june' };
		const result = await run(agentStep('batch', { dispatchKey: '={{ $json.campaign }}' }), input);
		expect(result.error?.message).toMatch(
			/^1 of 2 rows cannot be sent, so no batch was sent: item 1: Dispatch Key is an object or a list/,
		);
		expect(sandbox.batches()).toHaveLength(0);
	});

	it('off: every row is sent again, as before', async () => {
		const batch = agentStep('batch', { batchName: 'June', skipDispatched: false });
		await run(batch, customers(3));
		await run(batch, customers(3));
		expect(sentPhones()).toHaveLength(6);
		expect(store.reads).toBe(0);
	});

	it('check and record once per call: 1,000 rows in 2 calls read and write the store twice', async () => {
		await run(agentStep('batch', { batchName: 'June', rowsPerCall: 500 }), customers(1000));
		expect([store.reads, store.writes]).toEqual([2, 2]);
	});
});

describe('Dispatch and Wait', () => {
	const ORDER = { phone: phoneOf(7), order_id: 'O-7' };
	const start = async (parameters: IDataObject = {}) =>
		await waitingServer.start({
			workflow: linearWorkflow({
				...agentStep('dispatch'),
				parameters: {
					...agentStep('dispatch').parameters,
					operation: 'dispatchAndWait',
					limitType: 'noLimit',
					...parameters,
				},
			}),
			nodePackageDir: PACKAGE_DIR,
			credentials: sandboxCredentialData({ sandboxUrl: sandbox.url }) as CredentialsByType,
			triggerItems: [{ json: ORDER }],
		});

	it('a customer already reached is not dispatched to nor waited for: the execution goes on at once with outcome skipped', async () => {
		// No events: the first execution stays waiting while the second runs.
		sandbox.configure({ eventDelayMs: 60_000 });
		const first = await start();
		expect(first.status).toBe('waiting');

		const second = await start();
		expect(second.status).toBe('success');
		expect(sandbox.dispatches()).toHaveLength(1);
		expect(second.result.outputOf('Reach Customers')).toEqual([
			{
				json: {
					outcome: 'skipped',
					skipped: true,
					phone: ORDER.phone,
					dispatchKey: `agent velentsAgentApi-1 | ${ORDER.phone}`,
					dispatchedBy: 'earlierRun',
					reason:
						"already dispatched by an earlier run: its key is in n8n's store, which keeps no time",
					firstDispatchedAt: null,
				},
				pairedItem: { item: 0 },
			},
		]);
		expect(second.result.run.waitTill).toBeUndefined();
		await first.expire();
	});

	it('a dispatch Velents refused is not recorded: the next execution dispatches and waits', async () => {
		sandbox.configure({ eventDelayMs: 60_000 });
		sandbox.injectFault({ method: 'POST', path: '/Integration/Agent/Dispatch', status: 422 });
		const refused = await start();
		expect(refused.status).toBe('error');
		expect(refused.result.error?.description).toMatch(
			/Its Dispatch Key "agent velentsAgentApi-1 \| \+966500000007" was not recorded/,
		);

		const again = await start();
		expect(again.status).toBe('waiting');
		expect(sandbox.dispatches()).toHaveLength(1);
		await again.expire();
	});
});
