import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { isRecord } from './validation';

/** An operation that handles one input item and returns its record(s): JSON objects, from Velents or built by the operation. */
export type ItemOperation = (
	this: IExecuteFunctions,
	itemIndex: number,
) => Promise<object | object[]>;

/** An operation that handles all input items of the run at once (Batch). */
export type RunOperation = (
	this: IExecuteFunctions,
	items: INodeExecutionData[],
) => Promise<INodeExecutionData[]>;

export type Operation = ({ perItem: ItemOperation } | { allItems: RunOperation }) & {
	/**
	 * Why the operation cannot run as an AI agent's tool, when it cannot (such as waiting for a
	 * conversation to end: a tool call cannot wait). A tool call of it fails with this reason, and
	 * nothing is sent.
	 */
	notAsTool?: string;
};

export type OperationMap = Record<string, Record<string, Operation>>;

/**
 * Whether the node runs as an AI agent's tool: n8n runs a tool through the node's tool variant,
 * whose type name is the node's with "Tool" appended (in n8n 1.x and 2.x alike).
 */
export function runsAsTool(context: IExecuteFunctions): boolean {
	return context.getNode().type.endsWith('Tool');
}

/**
 * Whether a failing item comes back as an error item rather than stopping the run: under Continue On
 * Fail, and in an AI agent's tool call unless On Error is explicitly "Stop Workflow", so that the model
 * reads what to fix. n8n 2.x hands a tool's thrown error to the model itself; n8n 1.123 ends the whole
 * agent run with it and n8n 1.85 gives the model only a generic sentence (both measured).
 */
function failsSoftly(context: IExecuteFunctions): boolean {
	return (
		context.continueOnFail() ||
		(runsAsTool(context) && context.getNode().onError !== 'stopWorkflow')
	);
}

/**
 * Runs the operation chosen by `resource` and `operation` (a node with one resource may leave
 * `resource` unset, as n8n does not pass defaults to every caller).
 * Per-item operations: one output item per returned record, paired with its input item, in order;
 * a failing item becomes an error item under Continue On Fail (and in a tool call), otherwise stops the
 * run naming the item.
 */
export async function routeOperation(
	this: IExecuteFunctions,
	operations: OperationMap,
): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const resources = Object.keys(operations);
	const resource = this.getNodeParameter(
		'resource',
		0,
		resources.length === 1 ? resources[0] : '',
	) as string;
	const operationName = this.getNodeParameter('operation', 0) as string;
	const operation = operations[resource]?.[operationName];
	if (!operation) {
		throw new NodeOperationError(
			this.getNode(),
			`The operation "${operationName}" of "${resource}" is not supported`,
		);
	}
	if (operation.notAsTool !== undefined && runsAsTool(this)) {
		const refusal = new NodeOperationError(
			this.getNode(),
			`The operation "${operationName}" cannot run as an AI agent tool: ${operation.notAsTool}`,
			{ description: 'Nothing was sent. Use it in a workflow step of its own, not as a tool.' },
		);
		if (failsSoftly(this)) return [[errorItem(refusal, 0)]];
		throw refusal;
	}
	if ('allItems' in operation) return [await operation.allItems.call(this, items)];

	const output: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const records = await operation.perItem.call(this, itemIndex);
			const list = Array.isArray(records) ? records : [records];
			// n8n's engine stalls on an item that is not an object: never hand one over.
			if (!list.every(isRecord)) {
				throw new NodeOperationError(this.getNode(), 'The answer cannot become an output item', {
					description: 'Velents answered with something other than a JSON object.',
					itemIndex,
				});
			}
			for (const record of list) {
				output.push({ json: record as IDataObject, pairedItem: { item: itemIndex } });
			}
		} catch (error) {
			if (failsSoftly(this)) {
				output.push(errorItem(error, itemIndex));
				continue;
			}
			throw withItemIndex(this, error, itemIndex);
		}
	}
	return [output];
}

/**
 * An error item as n8n makes them under Continue On Fail, paired with its input item: `error`, what
 * failed, and for a failure at Velents `message`, what to do about it (such as "Velents may have
 * acted on it already: check before running again"). Only these two keys, because n8n sends an item
 * to the error output only when its json has `error` and at most `message` (1.x) or `details` (2.x).
 */
export function errorItem(error: unknown, itemIndex: number): INodeExecutionData {
	const json: IDataObject = { error: errorMessage(error) };
	if (error instanceof NodeApiError && typeof error.description === 'string' && error.description) {
		json.message = error.description;
	}
	return { json, pairedItem: { item: itemIndex } };
}

export function errorMessage(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

/** n8n shows which item failed when the error carries its index. */
export function withItemIndex(
	context: IExecuteFunctions,
	error: unknown,
	itemIndex: number,
): Error {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		error.context.itemIndex ??= itemIndex;
		return error;
	}
	return new NodeOperationError(context.getNode(), errorMessage(error), { itemIndex });
}
