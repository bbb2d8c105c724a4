import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { SUPPORT_PATHS } from '../../../shared/contract';
import { transportOptions } from '../../../shared/descriptions';
import { showOnlyFor } from '../../../shared/displayOptions';
import { createdRecord, velentsRequest, type VelentsRequest } from '../../../shared/transport';
import { requireText } from '../../../shared/validation';
import { conversationIdProperty, requireConversationId } from './conversationId';

export const description: INodeProperties[] = showOnlyFor(
	{ resource: ['conversation'], operation: ['sendMessage'] },
	[
		conversationIdProperty,
		{
			displayName: 'Message',
			name: 'message',
			type: 'string',
			typeOptions: { rows: 4 },
			required: true,
			default: '',
			description: "The customer's reply to add to the conversation",
		},
	],
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<object> {
	const conversationId = requireConversationId(this, itemIndex);
	const message = requireText(this, itemIndex, 'message', 'Message');
	const request: VelentsRequest = {
		method: 'POST',
		path: SUPPORT_PATHS.sendMessage(conversationId),
		body: { message },
		action: 'send messages into a conversation',
		resource: `conversation "${conversationId}"`,
		itemIndex,
	};
	const response = await velentsRequest(
		this,
		'support',
		request,
		transportOptions(this, itemIndex),
	);
	return { conversation_id: conversationId, ...createdRecord(response, request) };
}
