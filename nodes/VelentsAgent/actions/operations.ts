import type { INodeProperties } from 'n8n-workflow';

import type { OperationMap } from '../../shared/execution';
import * as batch from './batch.operation';
import * as dispatch from './dispatch.operation';
import * as getConfiguration from './getConfiguration.operation';

/**
 * The node's one resource. It exists for n8n's AI Agent: n8n names a tool and describes it to the
 * model from the chosen operation's `action` only when the operation selector is shown for a
 * resource; without one, every Velents Agent tool got the node's general description. Workflows
 * saved before it existed have no `resource` and get this default, so they keep running.
 */
export const AGENT_RESOURCE = 'agent';

export const operations: OperationMap = {
	[AGENT_RESOURCE]: {
		dispatch: { perItem: dispatch.execute },
		batch: { allItems: batch.execute },
		getConfiguration: { perItem: getConfiguration.execute },
	},
};

export const properties: INodeProperties[] = [
	{
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		default: AGENT_RESOURCE,
		options: [{ name: 'Agent', value: AGENT_RESOURCE }],
	},
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		default: 'dispatch',
		displayOptions: { show: { resource: [AGENT_RESOURCE] } },
		// `action` is what an AI agent's model reads as the tool's description ("<action> in Velents
		// Agent") and what n8n names a new node after: it says what happens and to whom, briefly.
		options: [
			{
				name: 'Batch',
				value: 'batch',
				action: 'Dispatch calls or messages to many customers',
				description:
					'Have the agent call or WhatsApp many customers at once: every input item is one customer, sent in Batch requests of up to Rows Per Call rows',
			},
			{
				name: 'Dispatch',
				value: 'dispatch',
				action: 'Dispatch a call or message to a customer',
				description:
					'Have the agent call or WhatsApp one customer now, such as "call this customer about order 1212"; returns the created conversation and its ID',
			},
			{
				name: 'Get Configuration',
				value: 'getConfiguration',
				action: 'Get the agent configuration',
				description:
					"Read the agent's name, status, channels (WhatsApp, Voice), variables and extraction fields; calls no one",
			},
		],
	},
	...dispatch.description,
	...batch.description,
	...getConfiguration.description,
];
