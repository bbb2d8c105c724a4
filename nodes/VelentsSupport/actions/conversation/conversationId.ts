import type { INodeProperties } from 'n8n-workflow';

export function conversationIdProperty(show: Record<string, string[]>): INodeProperties {
	return {
		displayName: 'Conversation ID',
		name: 'conversationId',
		type: 'string',
		required: true,
		default: '',
		placeholder: '={{ $json.conversation_id }}',
		description: 'The conversation_id of a ticket, as Create Ticket or Get Ticket return it',
		displayOptions: { show },
	};
}
