import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { SUPPORT_PATHS } from '../../../shared/contract';
import type { HistoryItem } from '../../../shared/contract/types';
import { returnAllOrLimit, transportOptions } from '../../../shared/descriptions';
import { showOnlyFor } from '../../../shared/displayOptions';
import { velentsRequestAllPages } from '../../../shared/transport';
import { conversationIdProperty, requireConversationId } from './conversationId';

export const description: INodeProperties[] = showOnlyFor(
	{ resource: ['conversation'], operation: ['getHistory'] },
	[conversationIdProperty, ...returnAllOrLimit()],
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<object[]> {
	const conversationId = requireConversationId(this, itemIndex);
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
	return oldestFirst(messages).map((message) => ({ conversation_id: conversationId, ...message }));
}

/**
 * Oldest first whatever order the pages came in, by `created_at` or, in the shape of the webhook
 * events, `timestamp`; equal times keep their order (sort is stable). When a message has neither,
 * the server's order is kept: a partial order would shuffle the rest.
 */
export function oldestFirst<T extends object>(messages: T[]): T[] {
	const times = messages.map(messageTime);
	if (times.some((time) => time === undefined)) return messages;
	const order = messages.map((message, index) => ({ message, time: times[index] as number }));
	return order.sort((a, b) => a.time - b.time).map(({ message }) => message);
}

/** A message's time as a number: ISO or `Y-m-d H:i:s` text, or epoch seconds or milliseconds. */
function messageTime(message: object): number | undefined {
	const { created_at: createdAt, timestamp } = message as Record<string, unknown>;
	const value = createdAt ?? timestamp;
	if (typeof value === 'number' && Number.isFinite(value))
		return value < 1e11 ? value * 1000 : value;
	if (typeof value !== 'string' || !value.trim()) return undefined;
	if (/^\d+$/.test(value.trim())) return messageTime({ timestamp: Number(value) });
	const time = Date.parse(value.trim().replace(' ', 'T'));
	return Number.isNaN(time) ? undefined : time;
}
