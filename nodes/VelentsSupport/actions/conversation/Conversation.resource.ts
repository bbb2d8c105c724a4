/**
 * The Conversation resource: a ticket's conversation, written to and read.
 * Adding an operation: its `*.operation.ts` file in this folder, and its line in each list below.
 */
import type { INodeProperties } from 'n8n-workflow';

import type { Operation } from '../../../shared/execution';
import * as getHistory from './getHistory.operation';
import * as sendMessage from './sendMessage.operation';

/** The resource's Operation selector: each option's description is what an AI agent chooses by. */
export const operationSelector: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	default: 'sendMessage',
	displayOptions: { show: { resource: ['conversation'] } },
	options: [
		{
			name: 'Get History',
			value: 'getHistory',
			action: 'Get conversation history',
			description:
				"Read a ticket conversation's messages, oldest first, one item per message (customer, agent and system)",
		},
		{
			name: 'Send Message',
			value: 'sendMessage',
			action: 'Send a message',
			description: "Add a customer's reply to a ticket's conversation, by its conversation_id",
		},
	],
};

export const properties: INodeProperties[] = [
	operationSelector,
	...getHistory.description,
	...sendMessage.description,
];

export const operations: Record<string, Operation> = {
	getHistory: { perItem: getHistory.execute },
	sendMessage: { perItem: sendMessage.execute },
};
