import type { INodePropertyOptions, INodeProperties } from 'n8n-workflow';

import type { OperationMap } from '../../shared/execution';
import * as batch from './batch.operation';
import * as dispatch from './dispatch.operation';
import * as dispatchAndWait from './dispatchAndWait.operation';
import * as getConfiguration from './getConfiguration.operation';

/** The node has no resource: `routeOperation` reads it as 'default'. */
export const operations: OperationMap = {
	default: {
		dispatch: { perItem: dispatch.execute },
		[dispatchAndWait.OPERATION]: { allItems: dispatchAndWait.execute },
		batch: { allItems: batch.execute },
		getConfiguration: { perItem: getConfiguration.execute },
	},
};

const operationOptions: INodePropertyOptions[] = [
	{
		name: 'Batch',
		value: 'batch',
		action: 'Dispatch a batch of conversations',
		description:
			'Have the agent call or WhatsApp many customers at once: every input item is one customer, sent in Batch requests of up to Rows Per Call rows',
	},
	{
		name: 'Dispatch',
		value: 'dispatch',
		action: 'Dispatch a conversation',
		description:
			'Have the agent call or WhatsApp one customer now, such as "call this customer about order 1212"; returns the created conversation',
	},
	{
		name: 'Dispatch and Wait',
		value: dispatchAndWait.OPERATION,
		action: 'Dispatch a conversation and wait for its end',
		description:
			'Have the agent call or WhatsApp one customer, wait until the conversation ends, and continue with what the agent extracted',
	},
	{
		name: 'Get Configuration',
		value: 'getConfiguration',
		action: 'Get the agent configuration',
		description:
			"Read the agent's name, status, channels (WhatsApp, Voice), variables and extraction fields",
	},
];

/**
 * The operation selector. An AI agent's tool (the node type ending in "Tool", which n8n's `@tool`
 * display option tells apart) is not offered Dispatch and Wait: a tool call cannot wait.
 */
function operationProperty(forTool: boolean): INodeProperties {
	return {
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		default: 'dispatch',
		options: forTool
			? operationOptions.filter((option) => option.value !== dispatchAndWait.OPERATION)
			: operationOptions,
		// n8n versions without `@tool` read it as undefined: they show the full list, and Dispatch
		// and Wait fails clearly in a tool call.
		displayOptions: forTool ? { show: { '@tool': [true] } } : { hide: { '@tool': [true] } },
	};
}

export const properties: INodeProperties[] = [
	operationProperty(false),
	operationProperty(true),
	...dispatch.description,
	...dispatchAndWait.description,
	...batch.description,
	...getConfiguration.description,
];
