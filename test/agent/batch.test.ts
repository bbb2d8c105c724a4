import type { INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { alignValues } from '../../nodes/VelentsAgent/actions/batchRows';
import { VelentsAgent } from '../../nodes/VelentsAgent/VelentsAgent.node';
import { forwardedSecretHeaders } from '../../nodes/shared/webhookSecret';
import { unprocessable, velentsLike } from './fixtures';
import type {
	HttpHandler,
	MockResponse,
	MockContextOptions,
	ParameterValue,
	RecordedRequest,
} from '../helpers/mockContext';
import { createExecuteContext, itemsOf } from '../helpers/mockContext';

interface BatchBody {
	channel_id: number;
	name: string;
	rows: Array<{ phone: string; values: Record<string, unknown> }>;
	webhook?: { link: string; headers?: Record<string, string> };
}

/** 'sent' or 'error', per output item. */
const outcomes = (output: INodeExecutionData[]) =>
	output.map((item) => (item.json.error ? 'error' : item.json.sent ? 'sent' : '?'));

const phoneOf = (index: number) => `+2010${String(index).padStart(8, '0')}`;
const fromItem = (key: string) => (_: number, item: INodeExecutionData) => item.json[key];

function batchParameters(
	overrides: Record<string, ParameterValue> = {},
): Record<string, ParameterValue> {
	return {
		operation: 'batch',
		// The check against the agent configuration is specified on its own, in variables.test.ts.
		checkVariables: false,
		channelId: 3,
		phone: fromItem('phone'),
		variablesInput: 'mapper',
		variables: (_: number, item: INodeExecutionData) => ({
			mappingMode: 'defineBelow',
			value: { company_name: 'acme', order_id: item.json.order },
		}),
		batchName: '',
		rowsPerCall: 500,
		webhook: {},
		requestSettings: {},
		...overrides,
	};
}

const customers = (count: number) =>
	itemsOf(count, (index) => ({ phone: phoneOf(index), order: `O-${index}` }));

async function runBatch(options: MockContextOptions = {}) {
	const { context, recorder } = createExecuteContext({
		http: velentsLike(),
		workflowName: 'Order follow-ups',
		...options,
		parameters: batchParameters(options.parameters),
	});
	const [output] = await new VelentsAgent().execute.call(context);
	const bodies = recorder.requests
		.filter((request) => request.url === '/Integration/Agent/Batch')
		.map((request) => request.body as BatchBody);
	return { output, recorder, bodies };
}

async function batchError(options: MockContextOptions) {
	const { context, recorder } = createExecuteContext({
		http: velentsLike(),
		...options,
		parameters: batchParameters(options.parameters),
	});
	const error = await new VelentsAgent().execute.call(context).then(
		() => {
			throw new Error('expected the batch to fail');
		},
		(caught: unknown) => caught as NodeOperationError | NodeApiError,
	);
	return { error, recorder };
}

describe('Batch', () => {
	test('2,500 rows at 500 per call: 5 calls, rows in order, one output item per input item, paired', async () => {
		const { output, recorder, bodies } = await runBatch({ items: customers(2500) });

		expect(recorder.requests).toHaveLength(5);
		expect(recorder.requests.every((request) => request.url === '/Integration/Agent/Batch')).toBe(
			true,
		);
		expect(bodies.map((body) => body.rows.length)).toEqual([500, 500, 500, 500, 500]);
		expect(bodies.flatMap((body) => body.rows.map((row) => row.phone))).toEqual(
			Array.from({ length: 2500 }, (_, index) => phoneOf(index)),
		);
		expect(bodies.every((body) => body.channel_id === 3)).toBe(true);
		expect(bodies[0].rows[0]).toEqual({
			phone: phoneOf(0),
			values: { company_name: 'acme', order_id: 'O-0' },
		});

		expect(output).toHaveLength(2500);
		output.forEach((item, index) => expect(item.pairedItem).toEqual({ item: index }));
		expect(output[1234]).toEqual({
			json: {
				sent: true,
				phone: phoneOf(1234),
				values: { company_name: 'acme', order_id: 'O-1234' },
				batch: {
					call: 3,
					calls: 5,
					rowInCall: 234,
					id: 103,
					name: expect.stringMatching(/ \(3\/5\)$/),
					status: 'queued',
				},
			},
			pairedItem: { item: 1234 },
		});
	});

	test('default name "n8n <workflow> <ISO date>", with " (k/n)" when there are several calls', async () => {
		const { bodies } = await runBatch({ items: customers(3), parameters: { rowsPerCall: 2 } });
		expect(bodies.map((body) => body.name)).toEqual([
			expect.stringMatching(
				/^n8n Order follow-ups \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z \(1\/2\)$/,
			),
			expect.stringMatching(/^n8n Order follow-ups \d{4}-\d\d-\d\dT.*Z \(2\/2\)$/),
		]);
		expect(bodies[0].name.replace(' (1/2)', '')).toBe(bodies[1].name.replace(' (2/2)', ''));
	});

	test('a given name is used as it is for a single call', async () => {
		const { bodies } = await runBatch({
			items: customers(3),
			parameters: { batchName: '  June follow-ups ' },
		});
		expect(bodies.map((body) => body.name)).toEqual(['June follow-ups']);
	});

	test('node-level parameters are read once per run; phone and variables once per item', async () => {
		const { recorder } = await runBatch({ items: customers(1000) });
		const reads = recorder.parameterReads;
		for (const name of [
			'channelId',
			'batchName',
			'rowsPerCall',
			'webhook',
			'variablesInput',
			'requestSettings',
		]) {
			expect([name, reads.get(name)]).toEqual([name, 1]);
		}
		expect(reads.get('phone')).toBe(1000);
		expect(reads.get('variables.value')).toBe(1000);
	});

	describe('variables mapped automatically from the input fields', () => {
		const autoMap = (schema: Array<{ id: string; removed?: boolean }>) => ({
			variables: { mappingMode: 'autoMapInputData', value: null, schema },
		});

		test('each of the agent’s variables comes from the item’s field of the same name, with no expression', async () => {
			const items = itemsOf(2, (index) => ({
				phone: phoneOf(index),
				order_id: `O-${index}`,
				company_name: 'acme',
				note: 'x',
			}));
			const { bodies, recorder } = await runBatch({
				items,
				parameters: autoMap([
					{ id: 'company_name' },
					{ id: 'order_id' },
					{ id: 'city', removed: true },
				]),
			});
			expect(bodies[0].rows.map((row) => row.values)).toEqual([
				{ company_name: 'acme', order_id: 'O-0' },
				{ company_name: 'acme', order_id: 'O-1' },
			]);
			expect(recorder.parameterReads.get('variables.value')).toBeUndefined();
		});

		test('only the fields named like a variable the agent declares are variables, not the item’s other fields', async () => {
			const items = itemsOf(1, () => ({ phone: phoneOf(0), order_id: 'O-0', note: 'x' }));
			const { bodies } = await runBatch({ items, parameters: autoMap([]) });
			expect(bodies[0].rows[0].values).toEqual({ order_id: 'O-0' });
		});

		test('unchecked, with no configuration and no list in the mapper, every field is a variable', async () => {
			const items = itemsOf(1, () => ({ phone: phoneOf(0), order_id: 'O-0' }));
			const { bodies } = await runBatch({
				items,
				parameters: autoMap([]),
				http: velentsLike({ configuration: async () => ({ statusCode: 401 }) }),
			});
			expect(bodies[0].rows[0].values).toEqual({ phone: phoneOf(0), order_id: 'O-0' });
		});

		test('a field that is an object is refused for its own item, naming the variable', async () => {
			const items = itemsOf(2, (index) => ({
				phone: phoneOf(index),
				order_id: index ? { nested: true } : 'O-0',
			}));
			const { output } = await runBatch({
				items,
				continueOnFail: true,
				parameters: autoMap([{ id: 'order_id' }]),
			});
			expect(outcomes(output)).toEqual(['sent', 'error']);
			expect(output[1].json.error).toContain('"order_id"');
		});
	});

	test('webhook with the credential secret goes with every call', async () => {
		const link = 'https://n8n.example.com/webhook/velents-agent';
		const { bodies } = await runBatch({
			items: customers(4),
			credentials: { webhookSecret: 's3cret' },
			parameters: { rowsPerCall: 2, webhook: { link, body: { campaign: 'june' } } },
		});
		for (const body of bodies) {
			expect(body.webhook).toEqual({
				link,
				headers: forwardedSecretHeaders('s3cret'),
				body: { campaign: 'june' },
			});
		}
	});

	describe('consistent variable keys (the CSV caveat)', () => {
		test('every row carries the union of keys in first-seen order; missing ones are empty text', async () => {
			const rows = [
				{ phone: phoneOf(0), vars: { order_id: '1', company_name: 'acme' } },
				{ phone: phoneOf(1), vars: { company_name: 'beta' } },
				{ phone: phoneOf(2), vars: { company_name: 'gamma', order_id: '3', city: 'Riyadh' } },
				{ phone: phoneOf(3), vars: {} },
			];
			const { bodies, output } = await runBatch({
				items: rows.map((json) => ({ json })),
				parameters: { variablesInput: 'json', variablesJson: fromItem('vars'), rowsPerCall: 2 },
			});
			const sent = bodies.flatMap((body) => body.rows.map((row) => row.values));
			expect(sent).toEqual([
				{ order_id: '1', company_name: 'acme', city: '' },
				{ order_id: '', company_name: 'beta', city: '' },
				{ order_id: '3', company_name: 'gamma', city: 'Riyadh' },
				{ order_id: '', company_name: '', city: '' },
			]);
			// The same keys in the same order in every row, across calls too.
			expect(new Set(sent.map((values) => Object.keys(values).join(',')))).toEqual(
				new Set(['order_id,company_name,city']),
			);
			expect(output[1].json.values).toEqual({ order_id: '', company_name: 'beta', city: '' });
		});

		test('alignValues keeps rows already in shape, and keeps a "__proto__" variable as a variable', () => {
			const shaped = { a: '1', b: '2' };
			const rows = [{ values: shaped }, { values: { b: 'x', a: 'y' } }, { values: { a: 'z' } }];
			expect(alignValues(rows)).toEqual(['a', 'b']);
			expect(rows[0].values).toBe(shaped);
			expect(rows.map((row) => Object.keys(row.values))).toEqual([
				['a', 'b'],
				['a', 'b'],
				['a', 'b'],
			]);
			expect(rows[2].values).toEqual({ a: 'z', b: '' });

			const odd = [
				{ values: { a: '1' } },
				{ values: JSON.parse('{"__proto__": "p", "a": "2"}') as Record<string, string> },
			];
			expect(alignValues(odd)).toEqual(['a', '__proto__']);
			expect(odd.map((row) => JSON.stringify(row.values))).toEqual([
				'{"a":"1","__proto__":""}',
				'{"a":"2","__proto__":"p"}',
			]);
		});

		test('10,000 rows of varied keys all end with the same keys in the same order', () => {
			const rows = Array.from({ length: 10_000 }, (_, index) => ({
				values: (index % 2 ? { b: String(index), a: 'x' } : { a: 'y', c: String(index) }) as Record<
					string,
					string
				>,
			}));
			expect(alignValues(rows)).toEqual(['a', 'c', 'b']);
			expect(rows.every((row) => Object.keys(row.values).join() === 'a,c,b')).toBe(true);
		});
	});

	describe('rows that cannot be sent', () => {
		const mixed = () => [
			{ json: { phone: '+201145803442', order: 'A' } },
			{ json: { phone: '0114580344', order: 'B' } },
			{ json: { phone: '00 966 50 123 4567', order: 'C' } },
			{ json: { phone: '', order: 'D' } },
			{ json: { phone: 'call me', order: 'E' } },
		];

		test('without Continue On Fail: one error names every bad row, and nothing is sent', async () => {
			const { error, recorder } = await batchError({ items: mixed() });
			expect(recorder.requests).toHaveLength(0);
			expect(error).toBeInstanceOf(NodeOperationError);
			expect(error.message).toBe(
				'3 of 5 rows cannot be sent, so no batch was sent: item 1: Phone "0114580344" is not a phone number in international form, such as +201145803442; item 3: Phone "" is not a phone number in international form, such as +201145803442; item 4: Phone "call me" is not a phone number in international form, such as +201145803442',
			);
			expect(error.context.itemIndex).toBe(1);
			expect(error.description).toContain('item 1: Phone "0114580344"');
			expect(error.description).toContain('item 3: Phone ""');
			expect(error.description).toContain('item 4: Phone "call me"');
		});

		test('the error lists every bad row even when there are many', async () => {
			const items = customers(50).map((item, index) =>
				index % 5 === 0 ? { json: { phone: `bad-${index}` } } : item,
			);
			const { error } = await batchError({ items });
			expect(error.message).toMatch(/^10 of 50 rows cannot be sent, so no batch was sent: .*; …$/);
			for (let index = 0; index < 50; index += 5) {
				expect(error.description).toContain(`item ${index}: Phone "bad-${index}"`);
			}
		});

		test('with Continue On Fail: bad rows are paired error items, the good rows are sent', async () => {
			const { output, bodies } = await runBatch({ items: mixed(), continueOnFail: true });
			expect(bodies).toHaveLength(1);
			expect(bodies[0].rows.map((row) => row.phone)).toEqual(['+201145803442', '+966501234567']);
			expect(outcomes(output)).toEqual(['sent', 'error', 'sent', 'error', 'error']);
			expect(output.map((item) => item.pairedItem)).toEqual(
				[0, 1, 2, 3, 4].map((item) => ({ item })),
			);
			// Exactly n8n's error item, so that an error output recognises it.
			expect(output[1]).toEqual({
				json: {
					error:
						'Item 1: Phone "0114580344" is not a phone number in international form, such as +201145803442',
				},
				pairedItem: { item: 1 },
			});
			expect(output[2].json.batch).toMatchObject({ call: 1, calls: 1, rowInCall: 1 });
		});

		test('bad variables are reported the same way as bad phones', async () => {
			const { output } = await runBatch({
				items: [
					{ json: { phone: phoneOf(0), vars: '{"a": "1"}' } },
					{ json: { phone: phoneOf(1), vars: '{oops' } },
				],
				continueOnFail: true,
				parameters: { variablesInput: 'json', variablesJson: fromItem('vars') },
			});
			expect(output[1].json.error).toBe('Item 1: Variables (JSON) is not valid JSON');
			expect(output[0].json.sent).toBe(true);
		});

		test('with Continue On Fail and no good row, nothing is sent', async () => {
			const { output, recorder } = await runBatch({
				items: [{ json: { phone: 'x' } }, { json: { phone: 'y' } }],
				continueOnFail: true,
			});
			expect(recorder.requests).toHaveLength(0);
			expect(outcomes(output)).toEqual(['error', 'error']);
		});
	});

	describe('a failing Batch call', () => {
		test('with Continue On Fail, every row of a call that may have been processed says which call it was and to check before running again', async () => {
			const { output } = await runBatch({
				items: customers(4),
				continueOnFail: true,
				parameters: { rowsPerCall: 2 },
				http: failCall(1, { statusCode: 500 }),
			});
			for (const item of output.slice(0, 2)) {
				expect(Object.keys(item.json)).toEqual(['error', 'message']);
				expect(item.json.error).toContain('dispatch batch call 1 of 2 (2 rows)');
				expect(item.json.message).toContain('Velents may have acted on it already');
			}
			expect(outcomes(output)).toEqual(['error', 'error', 'sent', 'sent']);
		});

		/** Fails the `failing`-th Batch call with a 422, or the given answer. */
		const failCall = (failing: number, answer: MockResponse = unprocessable()): HttpHandler => {
			let call = 0;
			const velents = velentsLike();
			return (request: RecordedRequest) =>
				request.url === '/Integration/Agent/Batch' && ++call === failing
					? answer
					: velents(request);
		};

		test('with Continue On Fail: its rows become error items and the other calls still go', async () => {
			const { output, recorder } = await runBatch({
				items: customers(6),
				continueOnFail: true,
				parameters: { rowsPerCall: 2 },
				http: failCall(2),
			});
			expect(recorder.requests).toHaveLength(3);
			expect(outcomes(output)).toEqual(['sent', 'sent', 'error', 'error', 'sent', 'sent']);
			expect(output[2]).toEqual({
				json: {
					error:
						'Velents rejected the data to dispatch batch call 2 of 3 (2 rows) (422): rows: The rows field is invalid.',
					message: 'Velents says: "The given data was invalid."',
				},
				pairedItem: { item: 2 },
			});
			expect(output[3].pairedItem).toEqual({ item: 3 });
			expect(output[4].json.batch).toMatchObject({ call: 3, id: 102 });
		});

		test('without Continue On Fail: the run stops, naming the calls already sent, which are not resent', async () => {
			const { error, recorder } = await batchError({
				items: customers(6),
				parameters: { rowsPerCall: 2, batchName: 'June' },
				http: failCall(2),
			});
			expect(recorder.requests).toHaveLength(2);
			expect(error).toBeInstanceOf(NodeApiError);
			expect((error as NodeApiError).httpCode).toBe('422');
			expect(error.message).toBe(
				'Batch call 2 of 3 failed: Velents rejected the data to dispatch batch call 2 of 3 (2 rows) (422): rows: The rows field is invalid.',
			);
			expect(error.description).toContain(
				'Already sent, and not sent again: call 1 = batch 101 "June (1/3)" (items 0–1, 2 rows). Before running again, leave out items 0–1.',
			);
			expect(error.description).toContain('Call 3 was not sent.');
			expect(error.context.itemIndex).toBe(2);
		});

		test('a 500 on a call is never repeated', async () => {
			const { recorder } = await batchError({
				items: customers(3),
				http: () => ({ statusCode: 503, body: { message: 'down' } }),
			});
			expect(recorder.requests).toHaveLength(1);
		});

		test('a 429 waits and the same call is retried (it was rejected before processing)', async () => {
			let calls = 0;
			const velents = velentsLike();
			const { output, recorder } = await runBatch({
				items: customers(3),
				http: (request) =>
					++calls === 1
						? { statusCode: 429, headers: { 'retry-after': '0' }, body: {} }
						: velents(request),
			});
			expect(recorder.requests).toHaveLength(2);
			expect(output.every((item) => item.json.sent)).toBe(true);
		});
	});

	test('Arabic values and names arrive unchanged', async () => {
		const items = [
			{
				json: {
					phone: phoneOf(0),
					vars: { company_name: 'شركة أكمي', note: 'موعد الساعة 10 بالليل' },
				},
			},
			{ json: { phone: phoneOf(1), vars: { company_name: 'مؤسسة النور' } } },
		];
		const { bodies, output } = await runBatch({
			items,
			workflowName: 'متابعة الطلبات',
			parameters: { variablesInput: 'json', variablesJson: fromItem('vars') },
		});
		expect(bodies[0].name).toMatch(/^n8n متابعة الطلبات \d{4}-/);
		expect(bodies[0].rows.map((row) => row.values)).toEqual([
			{ company_name: 'شركة أكمي', note: 'موعد الساعة 10 بالليل' },
			{ company_name: 'مؤسسة النور', note: '' },
		]);
		expect(output[0].json.values).toEqual({
			company_name: 'شركة أكمي',
			note: 'موعد الساعة 10 بالليل',
		});
	});

	test('an invalid channel fails the run before anything is sent, or every item under Continue On Fail', async () => {
		const { error, recorder } = await batchError({
			items: customers(2),
			parameters: { channelId: 'x' },
		});
		expect(error.message).toBe(
			'Item 0: Channel Name or ID "x" is not a channel ID: choose a channel, such as WhatsApp (2) or Voice (3)',
		);
		expect(recorder.requests).toHaveLength(0);

		const { output } = await runBatch({
			items: customers(2),
			continueOnFail: true,
			parameters: { channelId: 'x' },
		});
		expect(output).toEqual(
			[0, 1].map((item) => ({ json: { error: error.message }, pairedItem: { item } })),
		);
	});

	test.each([[0], [5001], [2.5]])('Rows Per Call %p is refused', async (rowsPerCall) => {
		const { error } = await batchError({ items: customers(2), parameters: { rowsPerCall } });
		expect(error.message).toBe(
			`Rows Per Call must be a whole number from 1 to 5000; it is ${rowsPerCall}`,
		);
	});

	test('no input items: no call', async () => {
		const { output, recorder } = await runBatch({ items: [] });
		expect(output).toEqual([]);
		expect(recorder.requests).toHaveLength(0);
	});

	test('10,000 rows: 20 calls of 500', async () => {
		const { output, bodies } = await runBatch({ items: customers(10_000) });
		expect(bodies).toHaveLength(20);
		expect(output).toHaveLength(10_000);
		expect(output[9999].json.batch).toMatchObject({ call: 20, rowInCall: 499 });
	});
});
