import type { INodeProperties } from 'n8n-workflow';

import { HISTORY_ROLES } from '../shared/contract';
import { enumOptions } from '../shared/descriptions';

/** Requests per poll: a third of the 30 a minute Velents documents, so polling every minute leaves two thirds to the token's other users. */
const DEFAULT_REQUESTS_PER_POLL = 10;

const newMessage = { show: { event: ['newMessage'] } };

export const properties: INodeProperties[] = [
	{
		displayName: 'Event',
		name: 'event',
		type: 'options',
		noDataExpression: true,
		default: 'newMessage',
		options: [
			{
				name: 'New Message',
				value: 'newMessage',
				description: 'A new message in a watched conversation, of the chosen roles',
			},
			{
				name: 'New Ticket',
				value: 'newTicket',
				description: 'A ticket created since the last poll',
			},
		],
	},
	{
		displayName: 'Watch',
		name: 'watch',
		type: 'options',
		noDataExpression: true,
		default: 'recentTickets',
		displayOptions: newMessage,
		options: [
			{
				name: 'Conversations of Recent Tickets',
				value: 'recentTickets',
				description: 'The conversations of the newest tickets, as many and as recent as set below',
			},
			{
				name: 'Given Conversations',
				value: 'conversationIds',
				description: 'The conversations whose IDs are given',
			},
		],
	},
	{
		displayName: 'Conversation IDs',
		name: 'conversationIds',
		type: 'string',
		default: '',
		required: true,
		placeholder: '12, 15, 31',
		description:
			'The conversation_id of each ticket to watch, separated by commas, or an expression that returns a list',
		displayOptions: { show: { event: ['newMessage'], watch: ['conversationIds'] } },
	},
	{
		displayName: 'Number of Tickets',
		name: 'recentTicketCount',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 100 },
		default: 20,
		description: 'How many of the newest tickets to watch (at most 100)',
		displayOptions: { show: { event: ['newMessage'], watch: ['recentTickets'] } },
	},
	{
		displayName: 'Created Within (Days)',
		name: 'recentTicketDays',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 7,
		description: 'Only tickets created in this many last days are watched',
		displayOptions: { show: { event: ['newMessage'], watch: ['recentTickets'] } },
	},
	{
		displayName: 'Roles',
		name: 'roles',
		type: 'multiOptions',
		default: ['agent'],
		required: true,
		description: 'Whose messages start the workflow: Agent for the replies of the agent or a human',
		displayOptions: newMessage,
		options: enumOptions(HISTORY_ROLES),
	},
	{
		displayName: 'Requests Per Poll',
		name: 'requestsPerPoll',
		type: 'number',
		typeOptions: { minValue: 2 },
		default: DEFAULT_REQUESTS_PER_POLL,
		description:
			'The most requests one poll sends. The default, 10, is a third of the 30 a minute that Velents allows a token, so the Velents Support node keeps the rest. With more watched conversations than this, polls take turns through them.',
	},
];
