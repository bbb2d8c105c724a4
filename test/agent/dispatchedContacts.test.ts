/**
 * "Skip Contacts Already Dispatched" where the engine cannot show it: an n8n without the
 * deduplication helpers (before 1.64), and Dispatch Keys that cannot be keys. The behaviour with
 * n8n's helpers is specified in dispatchedContacts.workflow.test.ts.
 */
import { NodeOperationError } from 'n8n-workflow';

import { FIRST_N8N_WITH_DEDUPLICATION } from '../../nodes/VelentsAgent/actions/dispatchedContacts';
import { VelentsAgent } from '../../nodes/VelentsAgent/VelentsAgent.node';
import { velentsLike } from './fixtures';
import type { ParameterValue } from '../helpers/mockContext';
import { createExecuteContext, itemsOf } from '../helpers/mockContext';

const customers = (count: number) => itemsOf(count, (index) => ({ phone: `+20114580344${index}` }));

const parameters = (
	operation: 'dispatch' | 'batch',
	overrides: Record<string, ParameterValue> = {},
): Record<string, ParameterValue> => ({
	operation,
	checkVariables: false,
	channelId: 2,
	phone: (_: number, item: { json: { phone?: unknown } }) => item.json.phone,
	variablesInput: 'json',
	variablesJson: '{"order_id": "1212"}',
	webhook: {},
	requestSettings: {},
	batchName: 'June',
	rowsPerCall: 500,
	skipDispatched: true,
	...overrides,
});

async function failure(run: () => Promise<unknown>): Promise<NodeOperationError> {
	try {
		await run();
	} catch (error) {
		return error as NodeOperationError;
	}
	throw new Error('expected the run to fail');
}

describe('on an n8n without the deduplication helpers (the mock context has none, as n8n before 1.64)', () => {
	it.each(['dispatch', 'batch'] as const)(
		'%s says the option is unavailable, naming the version that has it, and sends nothing',
		async (operation) => {
			const { context, recorder } = createExecuteContext({
				http: velentsLike(),
				items: customers(1),
				parameters: parameters(operation),
			});
			const error = await failure(async () => await new VelentsAgent().execute.call(context));
			expect(error).toBeInstanceOf(NodeOperationError);
			expect(error.message).toBe(
				'Skip Contacts Already Dispatched is unavailable on this n8n version: nothing was sent',
			);
			expect(error.description).toBe(
				`It uses n8n's data deduplication, which n8n ${FIRST_N8N_WITH_DEDUPLICATION} and later have. Update n8n, or turn the option off.`,
			);
			expect(recorder.requests).toHaveLength(0);
		},
	);

	it('Batch under Continue On Fail: every item gets the error, paired, and nothing is sent', async () => {
		const { context, recorder } = createExecuteContext({
			http: velentsLike(),
			continueOnFail: true,
			items: customers(2),
			parameters: parameters('batch'),
		});
		const [output] = await new VelentsAgent().execute.call(context);
		expect(output.map((item) => [item.json.error, item.pairedItem])).toEqual([
			[expect.stringMatching(/^Skip Contacts Already Dispatched is unavailable/), { item: 0 }],
			[expect.stringMatching(/^Skip Contacts Already Dispatched is unavailable/), { item: 1 }],
		]);
		expect(recorder.requests).toHaveLength(0);
	});

	it('off, the option needs nothing from n8n: Dispatch sends as before', async () => {
		const { context, recorder } = createExecuteContext({
			http: velentsLike(),
			items: customers(1),
			parameters: parameters('dispatch', { skipDispatched: false }),
		});
		await new VelentsAgent().execute.call(context);
		expect(recorder.requests).toHaveLength(1);
	});
});

describe('Dispatch Keys and settings that cannot be used', () => {
	const withHelpers = (overrides: Record<string, ParameterValue>, continueOnFail = false) => {
		const made = createExecuteContext({
			http: velentsLike(),
			continueOnFail,
			items: customers(2),
			parameters: parameters('batch', overrides),
		});
		const recorded: unknown[][] = [];
		Object.assign(made.context.helpers, {
			checkProcessedAndRecord: async (keys: string[], ...rest: unknown[]) => {
				recorded.push([keys, ...rest]);
				return { new: keys, processed: [] };
			},
			removeProcessed: async () => {},
			clearAllProcessedItems: async () => {},
		});
		return { ...made, recorded };
	};

	it('Keys Kept that is not a whole number of 1 or more is refused', async () => {
		const { context } = withHelpers({ dispatchKeysKept: 0 });
		const error = await failure(async () => await new VelentsAgent().execute.call(context));
		expect(error.message).toMatch(/Keys Kept must be a whole number of 1 or more/);
	});

	it('keys go to n8n in entries mode, bounded by Keys Kept, in the chosen scope', async () => {
		const { context, recorded } = withHelpers({
			dispatchKeysKept: 250_000,
			dispatchKeyScope: 'node',
		});
		await new VelentsAgent().execute.call(context);
		expect(recorded).toEqual([
			[
				[
					expect.stringMatching(/ \| \+201145803440$/),
					expect.stringMatching(/ \| \+201145803441$/),
				],
				'node',
				{ mode: 'entries', maxEntries: 250_000 },
			],
		]);
	});
});
