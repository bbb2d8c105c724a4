/** What the trigger emits: the Velents Support node's shapes, so a workflow can use either. */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { HistoryItem, Ticket } from '../shared/contract/types';
import { historyRecord } from '../VelentsSupport/actions/conversation/getHistory.operation';
import type { Placed } from './cursor';

/** A ticket, as Ticket → Get outputs it. */
export function ticketItem(ticket: Ticket): INodeExecutionData {
	return { json: ticket as IDataObject };
}

/** A message, as Conversation → Get History outputs it, with the ticket it belongs to (null when the conversation was given by its ID). */
export function messageItem(
	conversationId: string,
	ticketPublicId: string | null,
	message: HistoryItem,
): INodeExecutionData {
	return {
		json: { ...historyRecord(conversationId, message), ticket_public_id: ticketPublicId },
	};
}

/** Oldest first, so that the workflow sees events in the order they happened. */
export function chronological<T>(entries: Array<Placed<T>>): Array<Placed<T>> {
	return [...entries].sort((a, b) => a.createdAt - b.createdAt);
}
