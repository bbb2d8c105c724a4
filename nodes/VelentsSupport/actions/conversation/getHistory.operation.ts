import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { SUPPORT_PATHS, timestampMs } from '../../../shared/contract';
import type { HistoryItem } from '../../../shared/contract/schemas';
import { returnAllOrLimit, transportOptions } from '../../../shared/descriptions';
import { velentsRequestAllPages } from '../../../shared/transport';
import { requireText } from '../../../shared/validation';
import { conversationIdProperty } from './conversationId';

const show = { resource: ['conversation'], operation: ['getHistory'] };

export const description: INodeProperties[] = [
	conversationIdProperty(show),
	...returnAllOrLimit(show),
];

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<object[]> {
	const conversationId = requireText(this, itemIndex, 'conversationId', 'Conversation ID');
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll ? undefined : (this.getNodeParameter('limit', itemIndex, 50) as number);
	const messages = await velentsRequestAllPages<HistoryItem>(
		this,
		'support',
		{
			method: 'GET',
			path: SUPPORT_PATHS.history(conversationId),
			action: 'read conversation history',
			resource: `conversation "${conversationId}"`,
			itemIndex,
		},
		limit,
		transportOptions(this, itemIndex),
	);
	return oldestFirst(messages).map((message) => historyRecord(conversationId, message));
}

/** One message as Get History outputs it (the Support Trigger's New Message outputs the same). */
export function historyRecord(
	conversationId: string,
	message: HistoryItem,
): HistoryItem & { conversation_id: string } {
	return { conversation_id: conversationId, ...message };
}

/** Oldest first whatever order the pages came in; equal times keep their order (sort is stable). */
function oldestFirst(messages: HistoryItem[]): HistoryItem[] {
	const time = (message: HistoryItem) => timestampMs(message.created_at) ?? 0;
	return [...messages].sort((a, b) => time(a) - time(b));
}
