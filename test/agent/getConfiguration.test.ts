import { VelentsAgent } from '../../nodes/VelentsAgent/VelentsAgent.node';
import { configuration, velentsLike } from './fixtures';
import { createExecuteContext } from '../helpers/mockContext';

describe('Get Configuration', () => {
	test('the configuration as one item per input item (usable as an AI tool)', async () => {
		const { context, recorder } = createExecuteContext({
			items: [{ json: { a: 1 } }, { json: { a: 2 } }],
			parameters: { operation: 'getConfiguration', requestSettings: {} },
			http: velentsLike(),
		});
		const [output] = await new VelentsAgent().execute.call(context);
		expect(recorder.requests.map((request) => [request.method, request.url])).toEqual([
			['GET', '/Integration/Agent'],
			['GET', '/Integration/Agent'],
		]);
		expect(output).toEqual([
			{ json: configuration, pairedItem: { item: 0 } },
			{ json: configuration, pairedItem: { item: 1 } },
		]);
	});

	test('a read is retried after a 5xx', async () => {
		let calls = 0;
		const velents = velentsLike();
		const { context, recorder } = createExecuteContext({
			parameters: { operation: 'getConfiguration', requestSettings: {} },
			http: (request) => (++calls === 1 ? { statusCode: 502, body: {} } : velents(request)),
		});
		const [output] = await new VelentsAgent().execute.call(context);
		expect(recorder.requests).toHaveLength(2);
		expect(output[0].json.name).toBe('Order follow-up');
	});

	test('with Continue On Fail, a failure is an error item paired with its input', async () => {
		const { context } = createExecuteContext({
			continueOnFail: true,
			parameters: { operation: 'getConfiguration', requestSettings: {} },
			http: () => ({ statusCode: 401, body: { message: 'Unauthenticated.' } }),
		});
		const [output] = await new VelentsAgent().execute.call(context);
		expect(output).toEqual([
			{
				json: {
					error: 'Velents rejected the token of the "Velents Agent API" credential (401)',
					message:
						'Check the Agent Token: it comes from the Agent.sa dashboard, one per agent, and the Base URL.',
				},
				pairedItem: { item: 0 },
			},
		]);
	});
});
