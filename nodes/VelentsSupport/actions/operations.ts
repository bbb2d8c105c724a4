import type { INodeProperties } from 'n8n-workflow';

import type { OperationMap } from '../../shared/execution';
import * as getTokenInfo from './account/getTokenInfo.operation';
import * as getHistory from './conversation/getHistory.operation';
import * as sendMessage from './conversation/sendMessage.operation';
import * as createTicket from './ticket/create.operation';
import * as getTicket from './ticket/get.operation';
import * as getManyTickets from './ticket/getAll.operation';

export const operations: OperationMap = {
	account: { getTokenInfo: { perItem: getTokenInfo.execute } },
	ticket: {
		create: { perItem: createTicket.execute },
		get: { perItem: getTicket.execute },
		getAll: { perItem: getManyTickets.execute },
	},
	conversation: {
		sendMessage: { perItem: sendMessage.execute },
		getHistory: { perItem: getHistory.execute },
	},
};

export const properties: INodeProperties[] = [
	{
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		default: 'ticket',
		options: [
			{ name: 'Account', value: 'account' },
			{ name: 'Conversation', value: 'conversation' },
			{ name: 'Ticket', value: 'ticket' },
		],
	},
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		default: 'getTokenInfo',
		displayOptions: { show: { resource: ['account'] } },
		options: [
			{
				name: 'Get Token Info',
				value: 'getTokenInfo',
				action: 'Get token info',
				description: 'Check the Support Center token and read its tenant ID, name and abilities',
			},
		],
	},
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		default: 'create',
		displayOptions: { show: { resource: ['ticket'] } },
		options: [
			{
				name: 'Create',
				value: 'create',
				action: 'Create a ticket',
				description:
					'Open a Support Center ticket for a customer case; returns its public_id and conversation_id',
			},
			{
				name: 'Get',
				value: 'get',
				action: 'Get a ticket',
				description: 'Read one ticket and its current status by its public_id',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				action: 'Get many tickets',
				description: "List the tenant's tickets: up to Limit, or every ticket with Return All",
			},
		],
	},
	{
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
	},
	...createTicket.description,
	...getTicket.description,
	...getManyTickets.description,
	...sendMessage.description,
	...getHistory.description,
	...getTokenInfo.description,
];
