/** The Velents Support node's resources: the Resource selector, and each resource's parameters and operations. */
import type { INodeProperties } from 'n8n-workflow';

import type { OperationMap } from '../../shared/execution';
import { toolDescriptionType } from '../../shared/toolDescription';
import * as account from './account/Account.resource';
import * as conversation from './conversation/Conversation.resource';
import * as ticket from './ticket/Ticket.resource';

export const operations: OperationMap = {
	account: account.operations,
	conversation: conversation.operations,
	ticket: ticket.operations,
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
	toolDescriptionType,
	...account.properties,
	...conversation.properties,
	...ticket.properties,
];
