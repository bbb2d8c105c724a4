import type { INodeProperties } from 'n8n-workflow';

import type { OperationMap } from '../../shared/execution';
import * as batch from './batch.operation';
import * as dispatch from './dispatch.operation';
import * as getConfiguration from './getConfiguration.operation';

/** The node has no resource: `routeOperation` reads it as 'default'. */
export const operations: OperationMap = {
	default: {
		dispatch: { perItem: dispatch.execute },
		batch: { allItems: batch.execute },
		getConfiguration: { perItem: getConfiguration.execute },
	},
};

export const properties: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		default: 'dispatch',
		options: [
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
				name: 'Get Configuration',
				value: 'getConfiguration',
				action: 'Get the agent configuration',
				description:
					"Read the agent's name, status, channels (WhatsApp, Voice), variables and extraction fields",
			},
		],
	},
	...dispatch.description,
	...batch.description,
	...getConfiguration.description,
];
