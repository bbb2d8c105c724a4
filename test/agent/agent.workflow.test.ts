/**
 * Velents Agent inside n8n's real engine (n8n-core's WorkflowExecute), built from dist/, against the
 * sandbox: Dispatch with variables and a webhook whose lifecycle events reach a local receiver,
 * Batch of 2,500 rows in chunks, consistent variable keys, bad phones with and without Continue On Fail.
 *
 * Needs `npx tsc -p tsconfig.build.json && npx gulp build` first (npm test does it).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import {
	DEFAULT_AGENT_TOKEN,
	DEFAULT_WEBHOOK_SECRET,
	startSandbox,
	type Sandbox,
} from '../../tools/sandbox/server';
import { forwardedSecretHeaders } from '../../nodes/shared/webhookSecret';
import { items, linearWorkflow, runFlow, type Step } from '../../tools/harness/workflows';

const AGENT = 'n8n-nodes-velents.velentsAgent';
const CREDENTIAL_SECRET = 'n8n-side-secret';

let sandbox: Sandbox;

interface ReceivedEvent {
	headers: http.IncomingHttpHeaders;
	body: IDataObject;
}
const received: ReceivedEvent[] = [];
let receiverUrl = '';
const receiver = http.createServer((request, response) => {
	const chunks: Buffer[] = [];
	request.on('data', (chunk: Buffer) => chunks.push(chunk));
	request.on('end', () => {
		received.push({
			headers: request.headers,
			body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as IDataObject,
		});
		response.writeHead(200, { 'content-type': 'application/json' });
		response.end('{"ok":true}');
	});
});

beforeAll(async () => {
	sandbox = await startSandbox();
	await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
	receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhook/velents-agent`;
});
afterAll(async () => {
	await sandbox.close();
	receiver.closeAllConnections();
	await new Promise((resolve) => receiver.close(resolve));
});
beforeEach(() => {
	sandbox.reset();
	received.length = 0;
});

const agentCredentials = (webhookSecret = '') => ({
	velentsAgentApi: {
		token: DEFAULT_AGENT_TOKEN,
		baseUrl: sandbox.url,
		rateLimitWindowSeconds: 60,
		webhookSecret,
	},
});

const agentStep = (
	name: string,
	parameters: Step['parameters'],
	onError?: Step['onError'],
): Step => ({
	name,
	type: AGENT,
	parameters,
	onError,
});

const mapperValue = (value: Record<string, string>) => ({
	mappingMode: 'defineBelow',
	value,
	matchingColumns: [],
	schema: Object.keys(value).map((id) => ({
		id,
		displayName: id,
		required: false,
		defaultMatch: false,
		canBeUsedToMatch: false,
		display: true,
		type: 'string',
	})),
	attemptToConvertTypes: false,
	convertFieldsToString: false,
});

const phoneOf = (index: number) => `+9665${String(index).padStart(8, '0')}`;

describe('Dispatch', () => {
	it('sends variables from expressions and a webhook; the lifecycle events reach the webhook with the secret', async () => {
		const workflow = linearWorkflow(
			agentStep('Call Customer', {
				operation: 'dispatch',
				channelId: 2,
				phone: '={{ $json.phone }}',
				variablesInput: 'mapper',
				variables: mapperValue({
					company_name: '={{ $json.company }}',
					order_id: '={{ $json.order_id }}',
				}),
				webhook: {
					link: receiverUrl,
					headers: { header: [{ name: 'X-Flow', value: 'orders' }] },
					body: '={{ JSON.stringify({ crm_id: $json.crm_id }) }}',
				},
			}),
		);
		const result = await runFlow(
			workflow,
			agentCredentials(CREDENTIAL_SECRET),
			items({ phone: '00 20 114-580-3442', company: 'شركة أكمي', order_id: 1212, crm_id: 'A-17' }),
		);

		expect(result.error).toBeUndefined();
		const [dispatch] = sandbox.dispatches();
		expect(dispatch.conversation).toMatchObject({
			channel_id: 2,
			phone: '+201145803442',
			// Values keep their JSON type (a number from the item stays a number).
			values: { company_name: 'شركة أكمي', order_id: 1212 },
			webhook: {
				link: receiverUrl,
				headers: { 'X-Flow': 'orders', ...forwardedSecretHeaders(CREDENTIAL_SECRET) },
				body: { crm_id: 'A-17' },
			},
		});
		const output = result.outputOf('Call Customer');
		expect(output).toEqual([
			{
				json: expect.objectContaining({
					id: dispatch.conversation.id,
					phone: '+201145803442',
					status: 'queued',
				}),
				pairedItem: { item: 0 },
			},
		]);

		await sandbox.waitForIdle(10_000);
		const types = received.map((event) => (event.body.event as IDataObject).type);
		expect(types[0]).toBe('onStarted');
		expect(types[types.length - 1]).toBe('onEnded');
		expect(types).toContain('onMessage');
		for (const event of received) {
			const [header, secret] = Object.entries(forwardedSecretHeaders(CREDENTIAL_SECRET))[0];
			expect(event.headers[header.toLowerCase()]).toBe(secret);
			expect(event.headers['x-velents-authorization']).toBe(DEFAULT_WEBHOOK_SECRET);
			expect(event.headers['x-flow']).toBe('orders');
			expect(event.body).toMatchObject({
				crm_id: 'A-17',
				conversation: {
					id: dispatch.conversation.id,
					phone: '+201145803442',
					values: { company_name: 'شركة أكمي' },
				},
			});
		}
	});

	it('JSON variables for each item; a bad phone fails the run naming the item, after the items before it', async () => {
		const workflow = linearWorkflow(
			agentStep('Call Customer', {
				operation: 'dispatch',
				channelId: 3,
				phone: '={{ $json.phone }}',
				variablesInput: 'json',
				variablesJson: '={{ JSON.stringify({ company_name: "acme", order_id: $json.order_id }) }}',
			}),
		);
		const result = await runFlow(
			workflow,
			agentCredentials(),
			items({ phone: '+201145803442', order_id: 'A' }, { phone: '0114 580 3442', order_id: 'B' }),
		);
		expect(result.status).toBe('error');
		expect(result.error?.message).toBe(
			'Item 1: Phone "0114 580 3442" is not a phone number in international form, such as +201145803442',
		);
		expect(sandbox.dispatches().map((record) => record.conversation.values)).toEqual([
			{ company_name: 'acme', order_id: 'A' },
		]);
	});
	it('a workflow saved before the node had a Resource (no `resource` in its JSON) runs as one that names it', async () => {
		const dispatchTo = (phone: string) => ({
			operation: 'dispatch',
			channelId: 2,
			phone,
			variablesInput: 'json',
			variablesJson: '{"company_name": "acme", "order_id": "1212"}',
		});
		const workflow = linearWorkflow(
			agentStep('Saved before', dispatchTo('+201145803442')),
			agentStep('Saved after', { resource: 'agent', ...dispatchTo('+201145803443') }),
		);
		expect(workflow.nodes[1].parameters).not.toHaveProperty('resource');
		const result = await runFlow(workflow, agentCredentials(), items({}));
		expect(result.error).toBeUndefined();
		expect(sandbox.dispatches().map((record) => record.conversation.phone)).toEqual([
			'+201145803442',
			'+201145803443',
		]);
	});
});

describe('Dispatch requests that may have reached Velents', () => {
	const dispatchStep = () =>
		agentStep('Call Customer', {
			operation: 'dispatch',
			channelId: 3,
			phone: '+201145803442',
			variablesInput: 'json',
			variablesJson: '{"company_name": "acme", "order_id": "1212"}',
		});

	it('a 500 after Velents acted is not repeated: one conversation, and the error says so', async () => {
		sandbox.injectFault({
			method: 'POST',
			path: '/Integration/Agent/Dispatch',
			status: 500,
			afterProcessing: true,
		});
		const result = await runFlow(linearWorkflow(dispatchStep()), agentCredentials());
		expect(result.error?.message).toBe(
			'Velents failed (500) while trying to dispatch a conversation; it was not repeated',
		);
		expect(sandbox.requests({ method: 'POST', path: '/Integration/Agent/Dispatch' })).toHaveLength(
			1,
		);
		expect(sandbox.dispatches()).toHaveLength(1);
	});

	it('a 429 waits for Retry-After and is sent again: one conversation', async () => {
		sandbox.injectFault({ method: 'POST', path: '/Integration/Agent/Dispatch', status: 429 });
		const result = await runFlow(linearWorkflow(dispatchStep()), agentCredentials());
		expect(result.error).toBeUndefined();
		expect(
			sandbox
				.requests({ method: 'POST', path: '/Integration/Agent/Dispatch' })
				.map((request) => request.status),
		).toEqual([429, 201]);
		expect(sandbox.dispatches()).toHaveLength(1);
	});
});

describe('Batch', () => {
	const batchStep = (parameters: Step['parameters'] = {}, onError?: Step['onError']) =>
		agentStep(
			'Batch Call',
			{
				operation: 'batch',
				channelId: 3,
				phone: '={{ $json.phone }}',
				variablesInput: 'mapper',
				variables: mapperValue({ company_name: 'acme', order_id: '={{ $json.order_id }}' }),
				rowsPerCall: 500,
				...parameters,
			},
			onError,
		);

	it.each([
		['Channel Name or ID', { channelId: '={{ $json.channel }}' }],
		['Batch Name', { batchName: '=Campaign {{ $json.channel }}' }],
		['Rows Per Call', { rowsPerCall: '={{ $json.channel * 10 }}' }],
		['Webhook', { webhook: { link: '=https://n8n.example.com/webhook/{{ $json.channel }}' } }],
	])(
		'%s that an expression makes differ per item fails before anything is sent, naming the setting and the item',
		async (setting, parameters) => {
			const rows = [2, 2, 3].map((channel, index) => ({
				phone: phoneOf(index),
				order_id: 'O',
				channel,
			}));
			const result = await runFlow(
				linearWorkflow(batchStep(parameters)),
				agentCredentials(),
				items(...rows),
			);
			expect(result.error?.message).toBe(
				`${setting} must be the same for the whole batch, but item 2 gives another value than item 0`,
			);
			expect(sandbox.requests({ method: 'POST', path: '/Integration/Agent/Batch' })).toHaveLength(
				0,
			);
		},
	);

	it('a setting given by an expression that is the same for every item is fine', async () => {
		const rows = [0, 1].map((index) => ({ phone: phoneOf(index), order_id: 'O', channel: 3 }));
		const result = await runFlow(
			linearWorkflow(batchStep({ channelId: '={{ $json.channel }}' })),
			agentCredentials(),
			items(...rows),
		);
		expect(result.error).toBeUndefined();
		expect(sandbox.batches()[0]).toMatchObject({ channel_id: 3 });
	});

	it('2,500 rows in 5 calls of 500; every output item paired with its row and naming its call', async () => {
		const rows = Array.from({ length: 2500 }, (_, index) => ({
			phone: phoneOf(index),
			order_id: `O-${index}`,
		}));
		const result = await runFlow(linearWorkflow(batchStep()), agentCredentials(), items(...rows));

		expect(result.error).toBeUndefined();
		expect(sandbox.requests({ method: 'POST', path: '/Integration/Agent/Batch' })).toHaveLength(5);
		const batches = sandbox.batches();
		expect(batches.map((batch) => batch.rows_count)).toEqual([500, 500, 500, 500, 500]);
		expect(batches.map((batch) => batch.name)).toEqual(
			[1, 2, 3, 4, 5].map((call) =>
				expect.stringMatching(new RegExp(`^n8n Harness workflow .+ \\(${call}/5\\)$`)),
			),
		);
		const sentPhones = batches.flatMap((batch) => batch.rows.map((row) => row.phone));
		expect(sentPhones).toEqual(rows.map((row) => row.phone));

		const output = result.outputOf('Batch Call');
		expect(output).toHaveLength(2500);
		output.forEach((item: INodeExecutionData, index) => {
			expect(item.pairedItem).toEqual({ item: index });
			const batch = item.json.batch as IDataObject;
			const call = Math.floor(index / 500);
			expect([batch.call, batch.rowInCall, batch.id]).toEqual([
				call + 1,
				index % 500,
				batches[call].id,
			]);
			// The row the sandbox stored at that place is this item's.
			expect(batches[call].rows[index % 500].phone).toBe(item.json.phone);
		});
	});

	it('parameters that only name a field of the item, read straight from it, give the rows n8n’s evaluation gives', async () => {
		const rows = [
			{
				phone: '00 20 114-580-3442',
				'mobile number': '+966 50 000 0001',
				order_id: 'A',
				company: 'شركة أكمي',
			},
			{
				phone: '+20 114 580 3443',
				'mobile number': '(+966) 500000002',
				order_id: 7,
				company: 'acme',
			},
		];
		const sentWith = async (phone: string, orderId: string, company: string) => {
			sandbox.reset();
			const variables = mapperValue({ company_name: company, order_id: orderId });
			const result = await runFlow(
				linearWorkflow(batchStep({ phone, variables })),
				agentCredentials(),
				items(...rows),
			);
			expect(result.error).toBeUndefined();
			return sandbox.batches().flatMap((batch) => batch.rows);
		};
		// The first of each pair is read from the items; the second is evaluated by n8n's expression engine.
		const direct = await sentWith(
			'={{ $json.phone }}',
			'={{ $json.order_id }}',
			'={{ $json["company"] }}',
		);
		const evaluated = await sentWith(
			'={{ $json.phone ?? "" }}',
			'={{ $json.order_id ?? "" }}',
			'={{ $json.company ?? "" }}',
		);
		expect(direct).toEqual(evaluated);
		expect(direct[1]).toMatchObject({
			phone: '+201145803443',
			values: { company_name: 'acme', order_id: 7 },
		});
		expect(await sentWith('={{ $json["mobile number"] }}', 'x', 'y')).toEqual(
			await sentWith('={{ $json["mobile number"] + "" }}', 'x', 'y'),
		);
	});

	it('"Map Automatically" takes the agent’s variables from the input fields of the same names', async () => {
		const workflow = linearWorkflow(
			batchStep({
				variables: {
					mappingMode: 'autoMapInputData',
					value: null,
					matchingColumns: [],
					schema: [{ id: 'company_name' }, { id: 'order_id' }],
				},
			}),
		);
		const result = await runFlow(
			workflow,
			agentCredentials(),
			items({
				phone: phoneOf(0),
				company_name: 'شركة أكمي',
				order_id: 'O-0',
				internal_note: 'not a variable',
			}),
		);
		expect(result.error).toBeUndefined();
		expect(sandbox.batches()[0].rows[0].values).toEqual({
			company_name: 'شركة أكمي',
			order_id: 'O-0',
		});
	});

	it('rows with different variable keys are sent with the same keys in the same order', async () => {
		const workflow = linearWorkflow(
			batchStep({
				// Unchecked: these rows carry other variables than the agent declares, on purpose.
				checkVariables: false,
				variablesInput: 'json',
				variablesJson: '={{ JSON.stringify($json.vars) }}',
				rowsPerCall: 2,
			}),
		);
		const result = await runFlow(
			workflow,
			agentCredentials(),
			items(
				{ phone: phoneOf(0), vars: { order_id: '1' } },
				{ phone: phoneOf(1), vars: { company_name: 'النور', order_id: '2' } },
				{ phone: phoneOf(2), vars: { city: 'جدة' } },
			),
		);
		// The sandbox refuses (422) a batch whose rows' keys differ: no error means consistent keys.
		expect(result.error).toBeUndefined();
		const sent = sandbox.batches().flatMap((batch) => batch.rows.map((row) => row.values));
		expect(sent).toEqual([
			{ order_id: '1', company_name: '', city: '' },
			{ order_id: '2', company_name: 'النور', city: '' },
			{ order_id: '', company_name: '', city: 'جدة' },
		]);
		expect(sent.map((values) => Object.keys(values).join())).toEqual(
			Array(3).fill('order_id,company_name,city'),
		);
	});

	/** The second Batch call answers 422 (the first is let through). */
	const failSecondBatchCall = (body?: unknown) =>
		sandbox.injectFault({
			skip: 1,
			method: 'POST',
			path: '/Integration/Agent/Batch',
			status: 422,
			body,
		});

	const withBadPhones = () =>
		items(
			{ phone: phoneOf(0), order_id: 'A' },
			{ phone: '12345', order_id: 'B' },
			{ phone: phoneOf(2), order_id: 'C' },
			{ phone: 'n/a', order_id: 'D' },
		);

	it('bad phones without Continue On Fail: one error names every bad row, nothing is sent', async () => {
		const result = await runFlow(linearWorkflow(batchStep()), agentCredentials(), withBadPhones());
		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(
			/^2 of 4 rows cannot be sent, so no batch was sent: item 1: Phone "12345".*; item 3: Phone "n\/a"/,
		);
		expect(sandbox.requests({ method: 'POST' })).toHaveLength(0);
	});

	it('bad phones with Continue On Fail: paired error items, the good rows are sent', async () => {
		const result = await runFlow(
			linearWorkflow(batchStep({}, 'continueRegularOutput')),
			agentCredentials(),
			withBadPhones(),
		);
		expect(result.error).toBeUndefined();
		expect(sandbox.batches()).toHaveLength(1);
		expect(sandbox.batches()[0].rows.map((row) => row.values.order_id)).toEqual(['A', 'C']);
		const output = result.outputOf('Batch Call');
		expect(
			output.map((item) => [item.pairedItem, item.json.error ? 'error' : item.json.sent]),
		).toEqual([
			[{ item: 0 }, true],
			[{ item: 1 }, 'error'],
			[{ item: 2 }, true],
			[{ item: 3 }, 'error'],
		]);
		expect(output[1].json.error).toBe(
			'Item 1: Phone "12345" is not a phone number in international form, such as +201145803442',
		);
	});

	it('bad phones with an error output: the bad rows leave by the error output, paired', async () => {
		const result = await runFlow(
			linearWorkflow(batchStep({}, 'continueErrorOutput')),
			agentCredentials(),
			withBadPhones(),
		);
		expect(result.error).toBeUndefined();
		expect(
			result.outputOf('Batch Call', 0).map((item) => [item.pairedItem, item.json.phone]),
		).toEqual([
			[{ item: 0 }, phoneOf(0)],
			[{ item: 2 }, phoneOf(2)],
		]);
		// n8n merges the input item's fields into an error item.
		expect(result.outputOf('Batch Call', 1)).toEqual([
			{
				json: {
					phone: '12345',
					order_id: 'B',
					error: expect.stringMatching(/^Item 1: Phone "12345"/),
				},
				pairedItem: { item: 1 },
			},
			{
				json: {
					phone: 'n/a',
					order_id: 'D',
					error: expect.stringMatching(/^Item 3: Phone "n\/a"/),
				},
				pairedItem: { item: 3 },
			},
		]);
	});

	it('a failing call: the run stops naming the calls already sent; they are never resent', async () => {
		failSecondBatchCall({
			message: 'The given data was invalid.',
			errors: { rows: ['Too many rows.'] },
		});
		const rows = Array.from({ length: 6 }, (_, index) => ({
			phone: phoneOf(index),
			order_id: `O-${index}`,
		}));
		const result = await runFlow(
			linearWorkflow(batchStep({ rowsPerCall: 2, batchName: 'June' })),
			agentCredentials(),
			items(...rows),
		);

		expect(result.status).toBe('error');
		expect(result.error?.message).toBe(
			'Batch call 2 of 3 failed: Velents rejected the data to dispatch batch call 2 of 3 (2 rows) (422): rows: Too many rows.',
		);
		expect(result.error?.description).toContain('call 1 = batch');
		expect(result.error?.description).toContain('"June (1/3)" (items 0–1, 2 rows)');
		expect(sandbox.requests({ method: 'POST', path: '/Integration/Agent/Batch' })).toHaveLength(2);
		expect(sandbox.batches().map((batch) => batch.name)).toEqual(['June (1/3)']);
	});

	it('a failing call with Continue On Fail: its rows are error items, the other calls go', async () => {
		failSecondBatchCall();
		const rows = Array.from({ length: 6 }, (_, index) => ({
			phone: phoneOf(index),
			order_id: `O-${index}`,
		}));
		const result = await runFlow(
			linearWorkflow(batchStep({ rowsPerCall: 2 }, 'continueRegularOutput')),
			agentCredentials(),
			items(...rows),
		);
		expect(result.error).toBeUndefined();
		expect(sandbox.batches()).toHaveLength(2);
		expect(result.outputOf('Batch Call').map((item) => item.json.error ?? item.json.sent)).toEqual([
			true,
			true,
			expect.stringMatching(
				/^Velents rejected the data to dispatch batch call 2 of 3 \(2 rows\) \(422\)/,
			),
			expect.stringMatching(/batch call 2 of 3/),
			true,
			true,
		]);
	});
});

describe('Get Configuration', () => {
	it("reads the sandbox agent's configuration", async () => {
		const result = await runFlow(
			linearWorkflow(agentStep('Config', { operation: 'getConfiguration' })),
			agentCredentials(),
		);
		expect(result.outputOf('Config')).toEqual([
			{
				json: expect.objectContaining({ values: ['company_name', 'order_id'] }),
				pairedItem: { item: 0 },
			},
		]);
	});
});
