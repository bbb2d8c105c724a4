import type { INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { VelentsAgent } from '../../nodes/VelentsAgent/VelentsAgent.node';
import { forwardedSecretHeaders } from '../../nodes/shared/webhookSecret';
import { unprocessable, velentsLike } from './fixtures';
import type { MockContextOptions, ParameterValue } from '../helpers/mockContext';
import { createExecuteContext } from '../helpers/mockContext';

interface DispatchBody {
	channel_id: number;
	phone: string;
	values: Record<string, unknown>;
	webhook?: { link: string; headers?: Record<string, string>; body?: Record<string, unknown> };
}

const mapped = (value: Record<string, unknown>) => ({
	mappingMode: 'defineBelow',
	value,
	schema: [],
});

function dispatchParameters(
	overrides: Record<string, ParameterValue> = {},
): Record<string, ParameterValue> {
	return {
		operation: 'dispatch',
		// The check against the agent configuration is specified on its own, in variables.test.ts.
		checkVariables: false,
		channelId: 2,
		phone: '+201145803442',
		variablesInput: 'mapper',
		variables: mapped({ company_name: 'acme', order_id: '1212' }),
		webhook: {},
		requestSettings: {},
		...overrides,
	};
}

async function runDispatch(
	options: MockContextOptions & { parameters?: Record<string, ParameterValue> } = {},
) {
	const { context, recorder } = createExecuteContext({
		http: velentsLike(),
		...options,
		parameters: dispatchParameters(options.parameters),
	});
	const output = await new VelentsAgent().execute.call(context);
	const bodies = recorder.requests.map((request) => request.body as DispatchBody);
	return { output: output[0], recorder, bodies };
}

async function dispatchError(
	options: MockContextOptions & { parameters?: Record<string, ParameterValue> },
) {
	try {
		await runDispatch(options);
	} catch (error) {
		return error as NodeOperationError;
	}
	throw new Error('expected the dispatch to fail');
}

describe('Dispatch', () => {
	test('sends channel, phone and values to the Dispatch path; outputs the created conversation', async () => {
		const { output, recorder, bodies } = await runDispatch();

		expect(recorder.requests).toHaveLength(1);
		expect(recorder.requests[0]).toMatchObject({
			credentialType: 'velentsAgentApi',
			method: 'POST',
			url: '/Integration/Agent/Dispatch',
			baseURL: 'https://velents.test',
		});
		expect(bodies[0]).toEqual({
			channel_id: 2,
			phone: '+201145803442',
			values: { company_name: 'acme', order_id: '1212' },
		});
		expect(output).toEqual([
			{
				json: {
					id: 1,
					phone: '+201145803442',
					status: 'queued',
					values: { company_name: 'acme', order_id: '1212' },
					created_at: '2026-06-07 10:00:00',
				},
				pairedItem: { item: 0 },
			},
		]);
	});

	test('one conversation per input item, each paired with its item, phone read per item', async () => {
		const items: INodeExecutionData[] = [
			{ json: { phone: '+966501234567', order: 'A1' } },
			{ json: { phone: '00 20 114 580 3442', order: 'B2' } },
		];
		const { output, bodies } = await runDispatch({
			items,
			parameters: {
				phone: (_: number, item: INodeExecutionData) => item.json.phone,
				variables: (_: number, item: INodeExecutionData) => mapped({ order_id: item.json.order }),
			},
		});
		expect(bodies.map((body) => [body.phone, body.values])).toEqual([
			['+966501234567', { order_id: 'A1' }],
			['+201145803442', { order_id: 'B2' }],
		]);
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	});

	test('a channel id given by expression as text is sent as a number', async () => {
		const { bodies } = await runDispatch({ parameters: { channelId: '3' } });
		expect(bodies[0].channel_id).toBe(3);
	});

	test.each([[''], ['voice'], [0], [-2], [2.5]])(
		'channel %p is refused before any request',
		async (channelId) => {
			const error = await dispatchError({ parameters: { channelId } });
			expect(error.message).toMatch(/^Item 0: Channel /);
		},
	);

	describe('phone normalisation', () => {
		test.each([
			['+201145803442', '+201145803442'],
			['+20 114 580 3442', '+201145803442'],
			['+20-114-580-3442', '+201145803442'],
			['(+20) 114 580 3442', '+201145803442'],
			['+20 (114) 580.3442', '+201145803442'],
			['00201145803442', '+201145803442'],
			['00 966 50 123 4567', '+966501234567'],
			['  +1 (415) 555-2671  ', '+14155552671'],
		])('accepts %p as %p', async (input, expected) => {
			const { bodies } = await runDispatch({ parameters: { phone: input } });
			expect(bodies[0].phone).toBe(expected);
		});

		test.each([
			['01145803442'], // national form, no country code
			['201145803442'], // no + or 00
			[201145803442], // a number from a sheet: the + is gone
			['+0201145803442'], // country code cannot start with 0
			['+2011458034421234'], // more than 15 digits
			['+20114'], // too short
			['+20 114 580 3442 ext 12'],
			['phone: +201145803442'],
			['+20/114/580/3442'],
			[''],
			[null],
		])('rejects %p naming the item and the field, before any request', async (input) => {
			const { context, recorder } = createExecuteContext({
				http: velentsLike(),
				parameters: dispatchParameters({ phone: input }),
			});
			const error = await new VelentsAgent().execute
				.call(context)
				.catch((caught: unknown) => caught);
			expect(error).toBeInstanceOf(NodeOperationError);
			expect((error as NodeOperationError).message).toBe(
				`Item 0: Phone "${String(input ?? '')}" is not a phone number in international form, such as +201145803442`,
			);
			expect((error as NodeOperationError).context.itemIndex).toBe(0);
			expect(recorder.requests).toHaveLength(0);
		});

		test('with Continue On Fail, a bad phone is an error item and the other items are sent', async () => {
			const items = [
				{ json: { phone: '+201145803442' } },
				{ json: { phone: '12' } },
				{ json: { phone: '+966501234567' } },
			];
			const { output, recorder } = await runDispatch({
				items,
				continueOnFail: true,
				parameters: { phone: (_: number, item: INodeExecutionData) => item.json.phone },
			});
			expect(recorder.requests).toHaveLength(2);
			expect(output[1]).toEqual({
				json: {
					error:
						'Item 1: Phone "12" is not a phone number in international form, such as +201145803442',
				},
				pairedItem: { item: 1 },
			});
			expect(output.map((item) => item.pairedItem)).toEqual([
				{ item: 0 },
				{ item: 1 },
				{ item: 2 },
			]);
		});
	});

	describe('variables', () => {
		test('Map Each Variable: the mapper values; empty ones sent as empty text', async () => {
			const { bodies } = await runDispatch({
				parameters: {
					variables: mapped({ company_name: 'acme', order_id: 1212, vip: true, note: null }),
				},
			});
			expect(bodies[0].values).toEqual({
				company_name: 'acme',
				order_id: 1212,
				vip: true,
				note: '',
			});
		});

		test('a variable named "__proto__" stays a variable', async () => {
			const { bodies } = await runDispatch({
				parameters: {
					variablesInput: 'json',
					variablesJson: '{"__proto__": "x", "order_id": "1"}',
				},
			});
			expect(JSON.stringify(bodies[0].values)).toBe('{"__proto__":"x","order_id":"1"}');
		});

		test('Map Each Variable with nothing mapped sends an empty object', async () => {
			const { bodies } = await runDispatch({
				parameters: { variables: { mappingMode: 'defineBelow', value: null } },
			});
			expect(bodies[0].values).toEqual({});
		});

		test('JSON: an object from an expression', async () => {
			const { bodies } = await runDispatch({
				parameters: {
					variablesInput: 'json',
					variablesJson: { company_name: 'acme', order_id: '1212' },
				},
			});
			expect(bodies[0].values).toEqual({ company_name: 'acme', order_id: '1212' });
		});

		test('JSON: text holding an object', async () => {
			const { bodies } = await runDispatch({
				parameters: {
					variablesInput: 'json',
					variablesJson: '{"order_id": "1212", "total": 99.5}',
				},
			});
			expect(bodies[0].values).toEqual({ order_id: '1212', total: 99.5 });
		});

		test.each([
			['{"order_id": ', 'Item 0: Variables (JSON) is not valid JSON'],
			['["1212"]', 'Item 0: Variables (JSON) must be a JSON object, such as {"order_id": "1212"}'],
			[
				'{"order": {"id": "1212"}}',
				'Item 0: Variables (JSON) has an object or a list in "order": each variable must be a text, a number or a boolean',
			],
		])('JSON %p is refused: %s', async (variablesJson, message) => {
			const error = await dispatchError({ parameters: { variablesInput: 'json', variablesJson } });
			expect(error.message).toBe(message);
		});

		test('Arabic and other UTF-8 text arrives unchanged', async () => {
			const values = {
				company_name: 'شركة أكمي',
				greeting: 'مرحبا! أنا مساعد acme…',
				emoji: '✅ 日本語',
			};
			const { bodies, output } = await runDispatch({
				parameters: { variablesInput: 'json', variablesJson: JSON.stringify(values) },
			});
			expect(bodies[0].values).toEqual(values);
			expect(JSON.stringify(bodies[0])).toContain('شركة أكمي');
			expect(output[0].json.values).toEqual(values);
		});
	});

	describe('webhook', () => {
		// The header's name is the shared module's business; the trigger checks the same one.
		const [FORWARDED_SECRET_HEADER] = Object.keys(forwardedSecretHeaders('x'));
		const link = 'https://n8n.example.com/webhook/velents-agent';

		test('no link: no webhook field', async () => {
			const { bodies } = await runDispatch();
			expect(bodies[0]).not.toHaveProperty('webhook');
		});

		test('link, headers and body fields; no secret on the credential: no secret header', async () => {
			const { bodies } = await runDispatch({
				parameters: {
					webhook: {
						link,
						headers: { header: [{ name: 'X-Source', value: 'n8n' }] },
						body: '{"crm_id": "A-17"}',
					},
				},
			});
			expect(bodies[0].webhook).toEqual({
				link,
				headers: { 'X-Source': 'n8n' },
				body: { crm_id: 'A-17' },
			});
		});

		test("the credential's webhook secret is sent as the forwarded secret header, and wins over a user header", async () => {
			const { bodies } = await runDispatch({
				credentials: { webhookSecret: 's3cret' },
				parameters: {
					webhook: {
						link,
						headers: {
							header: [
								{ name: 'X-Source', value: 'n8n' },
								{ name: FORWARDED_SECRET_HEADER, value: 'spoof' },
								{ name: FORWARDED_SECRET_HEADER.toUpperCase(), value: 'spoof' },
							],
						},
					},
				},
			});
			expect(bodies[0].webhook).toEqual({
				link,
				headers: { 'X-Source': 'n8n', [FORWARDED_SECRET_HEADER]: 's3cret' },
			});
		});

		test('the secret alone makes the headers object', async () => {
			const { bodies } = await runDispatch({
				credentials: { webhookSecret: 's3cret' },
				parameters: { webhook: { link } },
			});
			expect(bodies[0].webhook).toEqual({ link, headers: { [FORWARDED_SECRET_HEADER]: 's3cret' } });
		});

		test('headers without a link are refused', async () => {
			const error = await dispatchError({
				parameters: { webhook: { headers: { header: [{ name: 'X-Source', value: 'n8n' }] } } },
			});
			expect(error.message).toBe(
				'Item 0: Webhook > Link is empty, but webhook headers or body fields are set',
			);
		});

		test.each([['n8n.example.com/webhook'], ['ftp://example.com/x'], ['https://']])(
			'link %p is refused',
			async (bad) => {
				const error = await dispatchError({ parameters: { webhook: { link: bad } } });
				expect(error.message).toBe(`Item 0: Webhook > Link "${bad}" is not an http(s) URL`);
			},
		);
	});

	describe('requests that may have reached Velents', () => {
		test('a 500 is not repeated, and the error says so', async () => {
			const { context, recorder } = createExecuteContext({
				http: velentsLike({ dispatch: () => ({ statusCode: 500, body: { message: 'boom' } }) }),
				parameters: dispatchParameters(),
			});
			const error = (await new VelentsAgent().execute
				.call(context)
				.catch((caught: unknown) => caught)) as Error;
			expect(recorder.requests).toHaveLength(1);
			expect(error.message).toBe(
				'Velents failed (500) while trying to dispatch a conversation; it was not repeated',
			);
		});

		test('a 429 waits and is retried (rejected before processing)', async () => {
			let calls = 0;
			const { output, recorder } = await runDispatch({
				http: velentsLike({
					dispatch: () =>
						++calls === 1
							? {
									statusCode: 429,
									headers: { 'retry-after': '0' },
									body: { message: 'Too Many Attempts.' },
								}
							: { statusCode: 201, body: { data: { id: 9, status: 'queued' } } },
				}),
			});
			expect(recorder.requests).toHaveLength(2);
			expect(output[0].json).toEqual({ id: 9, status: 'queued' });
		});

		test('a 422 names the fields Velents rejected', async () => {
			const error = await dispatchError({ http: velentsLike({ dispatch: () => unprocessable() }) });
			expect(error.message).toBe(
				'Velents rejected the data to dispatch a conversation (422): rows: The rows field is invalid.',
			);
		});
	});
});
