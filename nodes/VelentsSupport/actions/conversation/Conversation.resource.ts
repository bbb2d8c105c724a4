/**
 * The Conversation resource: a ticket's conversation, written to and read.
 * Adding an operation: its `*.operation.ts` file in this folder, and its line in each list below.
 */
import type { INodeProperties } from 'n8n-workflow';

import type { Operation } from '../../../shared/execution';
import { toolDescriptions } from '../../../shared/toolDescription';
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

/** What an AI agent's model reads about each operation's tool. */
const toolTexts = {
	getHistory:
		"Read the messages of a Velents Support Center ticket's conversation by its conversation_id, oldest first; changes nothing. Returns one result per message: role (customer, agent or system), message and created_at, with the conversation_id.",
	sendMessage:
		"Add a message from the customer to a Velents Support Center ticket's conversation, by the ticket's conversation_id; the support team sees it. Returns the created message: its id, role, message and created_at, with the conversation_id.",
};

export const properties: INodeProperties[] = [
	operationSelector,
	...toolDescriptions('conversation', toolTexts),
	...getHistory.description,
	...sendMessage.description,
];

export const operations: Record<string, Operation> = {
	getHistory: { perItem: getHistory.execute },
	sendMessage: { perItem: sendMessage.execute },
};
