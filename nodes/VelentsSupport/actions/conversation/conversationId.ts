import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { requireId } from '../../../shared/validation';

export const conversationIdProperty: INodeProperties = {
	displayName: 'Conversation ID',
	name: 'conversationId',
	type: 'string',
	required: true,
	default: '',
	placeholder: '={{ $json.conversation_id }}',
	description: 'The conversation_id of a ticket, as the Ticket operations Create and Get return it',
};

/** The item's Conversation ID, checked before it goes into a request path. */
export function requireConversationId(context: IExecuteFunctions, itemIndex: number): string {
	return requireId(
		context,
		itemIndex,
		context.getNodeParameter('conversationId', itemIndex, ''),
		'Conversation ID',
	);
}
