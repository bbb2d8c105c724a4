/**
 * The Ticket resource: open, read and list Support Center tickets.
 * Adding an operation: its `*.operation.ts` file in this folder, and its line in each list below.
 */
import type { INodeProperties } from 'n8n-workflow';

import type { Operation } from '../../../shared/execution';
import { toolDescriptions } from '../../../shared/toolDescription';
import * as create from './create.operation';
import * as get from './get.operation';
import * as getAll from './getAll.operation';

/** The resource's Operation selector: each option's description is what an AI agent chooses by. */
export const operationSelector: INodeProperties = {
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
};

/** What an AI agent's model reads about each operation's tool. */
const toolTexts = {
	create:
		"Open a new Velents Support Center ticket for a customer's case, for the support team to handle. Returns the ticket: its public_id (to read it again) and conversation_id (to send messages into it or read them), then subject, status, priority and customer.",
	get: 'Read one Velents Support Center ticket by its public_id (such as TCK-1001); changes nothing. Returns the ticket: public_id, conversation_id, subject, status (open, pending, resolved or closed), priority, customer and when it was created and updated.',
	getAll:
		"List the Velents Support Center's tickets, up to the tool's limit; changes nothing. Returns one result per ticket: public_id, conversation_id, subject, status, priority and customer.",
};

export const properties: INodeProperties[] = [
	operationSelector,
	...toolDescriptions('ticket', toolTexts),
	...create.description,
	...get.description,
	...getAll.description,
];

export const operations: Record<string, Operation> = {
	create: { perItem: create.execute },
	get: { perItem: get.execute },
	getAll: { perItem: getAll.execute },
};
