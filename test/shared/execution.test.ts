import type { IExecuteFunctions } from 'n8n-workflow';

import { routeOperation, runsAsTool } from '../../nodes/shared/execution';
import type { OperationMap } from '../../nodes/shared/execution';
import { createExecuteContext } from '../helpers/mockContext';

const AGENT = 'n8n-nodes-velents.velentsAgent';

/** One resource with an operation that works as a tool and one that cannot run as a tool. */
function operationsCalling(calls: string[]): OperationMap {
	return {
		agent: {
			dispatch: {
				perItem: async (itemIndex: number) => {
					calls.push(`dispatch ${itemIndex}`);
					return { id: 'c-1' };
				},
			},
			waitForEnd: {
				perItem: async (itemIndex: number) => {
					calls.push(`waitForEnd ${itemIndex}`);
					return { id: 'c-2' };
				},
				notAsTool: 'a tool call cannot wait for the conversation to end',
			},
		},
	};
}

async function route(
	operation: string,
	nodeType: string,
	calls: string[],
	parameters: Record<string, string> = {},
) {
	const { context } = createExecuteContext({ parameters: { operation, ...parameters }, nodeType });
	return await routeOperation.call(context as IExecuteFunctions, operationsCalling(calls));
}

describe('routeOperation', () => {
	test('a node with one resource runs its operations when the resource is not given (saved before it existed)', async () => {
		const calls: string[] = [];
		const [output] = await route('dispatch', AGENT, calls);
		expect(output).toEqual([{ json: { id: 'c-1' }, pairedItem: { item: 0 } }]);
		expect(calls).toEqual(['dispatch 0']);
	});

	test('an unknown resource or operation fails, naming both', async () => {
		await expect(route('dispatch', AGENT, [], { resource: 'ticket' })).rejects.toThrow(
			'The operation "dispatch" of "ticket" is not supported',
		);
		await expect(route('close', AGENT, [])).rejects.toThrow(
			'The operation "close" of "agent" is not supported',
		);
	});

	test('an operation that cannot run as a tool is refused in a tool call with its reason, before it runs', async () => {
		const calls: string[] = [];
		const [output] = await route('waitForEnd', `${AGENT}Tool`, calls);
		expect(output).toEqual([
			{
				json: {
					error:
						'The operation "waitForEnd" cannot run as an AI agent tool: a tool call cannot wait for the conversation to end',
				},
				pairedItem: { item: 0 },
			},
		]);
		expect(calls).toEqual([]);
	});

	test('the same operation runs as a workflow step, and the other operations run as tools', async () => {
		const calls: string[] = [];
		await route('waitForEnd', AGENT, calls);
		await route('dispatch', `${AGENT}Tool`, calls);
		expect(calls).toEqual(['waitForEnd 0', 'dispatch 0']);
	});

	test('in a tool call, a failing item comes back to the model as an error item, unless On Error is "Stop Workflow"', async () => {
		const failing: OperationMap = {
			agent: {
				dispatch: {
					perItem: async () => {
						throw new Error(
							'Item 0: Phone "call me maybe" is not a phone number in international form',
						);
					},
				},
			},
		};
		const run = async (nodeType: string, onError?: 'stopWorkflow') => {
			const { context } = createExecuteContext({
				parameters: { operation: 'dispatch' },
				nodeType,
				onError,
			});
			return await routeOperation.call(context as IExecuteFunctions, failing);
		};
		expect(await run(`${AGENT}Tool`)).toEqual([
			[
				{
					json: {
						error: 'Item 0: Phone "call me maybe" is not a phone number in international form',
					},
					pairedItem: { item: 0 },
				},
			],
		]);
		await expect(run(`${AGENT}Tool`, 'stopWorkflow')).rejects.toThrow('is not a phone number');
		await expect(run(AGENT)).rejects.toThrow('is not a phone number');
	});

	test('runsAsTool tells a tool variant by its type name', () => {
		const node = (nodeType: string) =>
			createExecuteContext({ nodeType }).context as IExecuteFunctions;
		expect(runsAsTool(node(`${AGENT}Tool`))).toBe(true);
		expect(runsAsTool(node(AGENT))).toBe(false);
	});
});
