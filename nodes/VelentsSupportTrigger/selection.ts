/** Which conversations a New Message poll reads, and in which order: pure functions. */
import type { HistoryItem, Ticket } from '../shared/contract/types';
import { timestampMs } from '../shared/contract';

/** A conversation the trigger watches, with the ticket it belongs to when known. */
export interface WatchedConversation {
	conversationId: string;
	ticketPublicId: string | null;
}

const DAY_MS = 24 * 60 * 60_000;

/**
 * The conversation ids the user gave: a list (from an expression) or a text with ids separated by
 * commas, spaces or new lines. Duplicates count once. Returns the ids, or the first bad entry.
 */
export function parseConversationIds(value: unknown): { ids: string[] } | { invalid: string } {
	const entries = Array.isArray(value) ? value : String(value ?? '').split(/[\s,]+/);
	const ids: string[] = [];
	for (const entry of entries) {
		if (typeof entry !== 'string' && typeof entry !== 'number') return { invalid: String(entry) };
		const id = String(entry).trim();
		if (id === '') continue;
		if (!/^[\w-]+$/.test(id)) return { invalid: id };
		if (!ids.includes(id)) ids.push(id);
	}
	return { ids };
}

/** The conversations of the `count` newest tickets created in the last `days` days, newest first. */
export function recentTicketConversations(
	tickets: readonly Ticket[],
	{ count, days, now }: { count: number; days: number; now: number },
): WatchedConversation[] {
	const since = now - days * DAY_MS;
	return tickets
		.map((ticket) => ({ ticket, createdAt: timestampMs(ticket.created_at) }))
		.filter(
			(entry): entry is { ticket: Ticket; createdAt: number } =>
				entry.createdAt !== undefined && entry.createdAt >= since,
		)
		.sort((a, b) => b.createdAt - a.createdAt)
		.slice(0, count)
		.map(({ ticket }) => ({
			conversationId: String(ticket.conversation_id),
			ticketPublicId: ticket.public_id,
		}));
}

/**
 * The order in which to read the watched conversations: those never read first, then the least
 * recently read (`lastRead`: the number of the poll that last read each), list order breaking ties.
 * A poll reads from the front while its budget lasts, so every conversation gets its turn.
 */
export function rotation(
	watched: readonly WatchedConversation[],
	lastRead: (conversationId: string) => number | undefined,
): WatchedConversation[] {
	const turn = (conversation: WatchedConversation) => lastRead(conversation.conversationId) ?? -1;
	return [...watched].sort((a, b) => turn(a) - turn(b));
}

/** Whether a message is of one of the chosen roles. */
export function hasRole(message: HistoryItem, roles: readonly string[]): boolean {
	return roles.includes(message.role);
}
