/**
 * The agent's variables are checked against its configuration before anything is sent, so that no
 * customer is called with a blank or misspelt variable. The configuration is read once per run.
 * (The fixture agent declares `company_name` and `order_id`.)
 */
import type { INodeExecutionData } from 'n8n-workflow';

import { VelentsAgent } from '../../nodes/VelentsAgent/VelentsAgent.node';
import { MAX_UNCHECKED_VARIABLES } from '../../nodes/VelentsAgent/actions/variables';
import type { MockContextOptions, ParameterValue } from '../helpers/mockContext';
import { createExecuteContext, itemsOf } from '../helpers/mockContext';
import { velentsLike } from './fixtures';

const phoneOf = (index: number) => `+9665${String(index).padStart(8, '0')}`;

function run(operation: 'dispatch' | 'batch', options: MockContextOptions = {}) {
	const { context, recorder } = createExecuteContext({
		http: velentsLike(),
		...options,
		parameters: {
			operation,
			channelId: 3,
			phone: (_: number, item: INodeExecutionData) => item.json.phone,
			variablesInput: 'json',
			variablesJson: (_: number, item: INodeExecutionData) => item.json.vars,
			webhook: {},
			requestSettings: {},
			rowsPerCall: 500,
			batchName: 'Test',
			...options.parameters,
		},
	});
	const posts = () => recorder.requests.filter((request) => request.method === 'POST');
	const configurationReads = () => recorder.requests.filter((request) => request.method === 'GET');
	return { context, posts, configurationReads };
}

const customer = (index: number, vars: Record<string, unknown>) => ({
	json: { phone: phoneOf(index), vars },
});

async function outcome(operation: 'dispatch' | 'batch', options: MockContextOptions) {
	const { context, posts, configurationReads } = run(operation, options);
	const result = await new VelentsAgent().execute.call(context).then(
		([output]) => ({ output, error: undefined }),
		(error: Error & { description?: string }) => ({ output: undefined, error }),
	);
	return { ...result, posts: posts(), configurationReads: configurationReads() };
}

describe('Dispatch, checked (the default)', () => {
	it('sends items that give every declared variable, reading the configuration once for all items', async () => {
		const items = itemsOf(
			3,
			(index) => customer(index, { company_name: 'acme', order_id: index }).json,
		);
		const { output, posts, configurationReads } = await outcome('dispatch', { items });
		expect(output).toHaveLength(3);
		expect(posts).toHaveLength(3);
		expect(configurationReads).toHaveLength(1);
	});

	it.each([
		[
			{ company_name: 'acme' },
			'Item 0: Variables (JSON) misses "order_id", which the agent declares',
		],
		[
			{ company_name: 'acme', order_id: '' },
			'Item 0: Variables (JSON) misses "order_id", which the agent declares',
		],
		[
			{ company_name: 'acme', order_id: '1', ordre_id: '1' },
			'Item 0: Variables (JSON) has "ordre_id", which the agent does not declare',
		],
		[{}, 'Item 0: Variables (JSON) misses "company_name", "order_id", which the agent declares'],
	])('%j fails before anything is sent: %s', async (vars, message) => {
		const { error, posts } = await outcome('dispatch', { items: [customer(0, vars)] });
		expect(error?.message).toBe(message);
		expect(error?.description).toContain('The agent declares: "company_name", "order_id"');
		expect(error?.description).toContain('Check Variables Against the Agent');
		expect(posts).toHaveLength(0);
	});

	it('a configuration that cannot be read fails the item, saying why and what to do', async () => {
		const { error, posts } = await outcome('dispatch', {
			items: [customer(0, { company_name: 'acme', order_id: '1' })],
			http: velentsLike({ configuration: async () => ({ statusCode: 401 }) }),
		});
		expect(error?.message).toBe(
			'Item 0: the variables could not be checked against the agent: Velents rejected the token of the "Velents Agent API" credential (401)',
		);
		expect(error?.description).toContain('turn off "Check Variables Against the Agent"');
		expect(posts).toHaveLength(0);
	});

	it('with Continue On Fail, the bad item is an error item and the others are sent', async () => {
		const items = [
			customer(0, { company_name: 'acme', order_id: '1' }),
			customer(1, { company_name: 'acme' }),
			customer(2, { company_name: 'acme', order_id: '3' }),
		];
		const { output, posts } = await outcome('dispatch', { items, continueOnFail: true });
		expect(output?.map((item) => ('error' in item.json ? 'error' : 'sent'))).toEqual([
			'sent',
			'error',
			'sent',
		]);
		expect(posts).toHaveLength(2);
	});
});

describe('Dispatch, unchecked', () => {
	it('sends the variables as given and reads no configuration', async () => {
		const { output, posts, configurationReads } = await outcome('dispatch', {
			items: [customer(0, { anything: 'goes' })],
			parameters: { checkVariables: false },
		});
		expect(output).toHaveLength(1);
		expect((posts[0].body as { values: unknown }).values).toEqual({ anything: 'goes' });
		expect(configurationReads).toHaveLength(0);
	});
});

describe('Batch, checked', () => {
	it('every row that misses a declared variable is named before any call is sent', async () => {
		const items = [
			customer(0, { company_name: 'acme', order_id: '1' }),
			customer(1, { company_name: 'acme' }),
			customer(2, { order_id: '3' }),
		];
		const { error, posts } = await outcome('batch', { items });
		expect(error?.message).toBe(
			'2 of 3 rows cannot be sent, so no batch was sent: item 1: Variables (JSON) misses "order_id", which the agent declares; item 2: Variables (JSON) misses "company_name", which the agent declares',
		);
		expect(posts).toHaveLength(0);
	});

	it('Map Automatically takes only the declared variables: 10,000 rows with a different field each are as small as uniform rows', async () => {
		const autoMap = {
			variablesInput: 'mapper',
			variables: { mappingMode: 'autoMapInputData', value: null },
		};
		const rows = (extra: (index: number) => Record<string, unknown>) =>
			itemsOf(10_000, (index) => ({
				phone: phoneOf(index),
				company_name: 'acme',
				order_id: `O-${index}`,
				...extra(index),
			}));
		const sentBytes = async (items: INodeExecutionData[]) => {
			const { posts } = await outcome('batch', {
				items,
				parameters: autoMap as Record<string, ParameterValue>,
			});
			return posts.reduce((bytes, post) => bytes + JSON.stringify(post.body).length, 0);
		};
		const uniform = await sentBytes(rows(() => ({})));
		const distinct = await sentBytes(rows((index) => ({ [`note_${index}`]: 'x' })));
		expect(distinct).toBe(uniform);
	});
});

describe('Batch, unchecked', () => {
	it(`more than ${MAX_UNCHECKED_VARIABLES} distinct names: the rows past the cap are named, nothing is sent`, async () => {
		const items = Array.from({ length: MAX_UNCHECKED_VARIABLES + 2 }, (_, index) =>
			customer(index, { [`field_${index}`]: 'x' }),
		);
		const { error, posts } = await outcome('batch', {
			items,
			parameters: { checkVariables: false },
		});
		expect(error?.message).toContain(
			`2 of ${MAX_UNCHECKED_VARIABLES + 2} rows cannot be sent, so no batch was sent: item ${MAX_UNCHECKED_VARIABLES}: Variables (JSON) brings the batch past ${MAX_UNCHECKED_VARIABLES} distinct variable names (with "field_${MAX_UNCHECKED_VARIABLES}")`,
		);
		expect(posts).toHaveLength(0);
	});

	it('with Continue On Fail, only the rows past the cap are error items; the others are sent', async () => {
		const items = Array.from({ length: MAX_UNCHECKED_VARIABLES + 1 }, (_, index) =>
			customer(index, { [`field_${index}`]: 'x' }),
		);
		const { output, posts } = await outcome('batch', {
			items,
			continueOnFail: true,
			parameters: { checkVariables: false },
		});
		expect(output?.filter((item) => 'error' in item.json).map((item) => item.pairedItem)).toEqual([
			{ item: MAX_UNCHECKED_VARIABLES },
		]);
		expect((posts[0].body as { rows: unknown[] }).rows).toHaveLength(MAX_UNCHECKED_VARIABLES);
	});
});
