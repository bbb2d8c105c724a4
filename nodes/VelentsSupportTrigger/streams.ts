/**
 * One list the trigger follows (the tenant's tickets, or one conversation's history): read its
 * newest end within the budget, place each record for the cursor, and tell the new ones.
 */
import type { IPollFunctions } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { PAGINATION, SUPPORT_PATHS, timestampMs } from '../shared/contract';
import type { HistoryItem, Ticket } from '../shared/contract/types';
import { listOfRecords, velentsRequest } from '../shared/transport';
import type { TransportOptions, VelentsRequest } from '../shared/transport';
import { messageTime } from '../VelentsSupport/actions/conversation/getHistory.operation';
import type { Placed, StreamCursor } from './cursor';
import { advance, isKnown, startCursor } from './cursor';
import type { PageReader, RequestBudget } from './listTail';
import { readTail } from './listTail';

/** What the trigger remembers of one list between polls. */
export interface StreamState {
	cursor: StreamCursor;
	/** The last page read (lists are oldest first): where the next read starts. */
	page?: number;
}

/**
 * A poll never waits for the rate limit and never repeats a request: each request it sends is one
 * of its budget, and a 429 or a 5xx ends the poll (the next one tries again).
 */
const POLL_TRANSPORT: Partial<TransportOptions> = {
	maxWaitSeconds: 0,
	maxRetries: 0,
	maxRateLimitRetries: 0,
};

export interface StreamRead<T> {
	fresh: Array<Placed<T>>;
	/** The list's state after this read. */
	state: StreamState;
	/** The records read, placed (for the manual test fetch and the watched tickets). */
	records: Array<Placed<T>>;
}

interface ListKind<T> {
	read: (context: IPollFunctions) => PageReader<T>;
	place: (context: IPollFunctions, record: T) => Placed<T>;
}

export const TICKETS: ListKind<Ticket> = {
	read: (context) =>
		pageReader(context, { method: 'GET', path: SUPPORT_PATHS.tickets, action: 'read tickets' }),
	place: (context, ticket) =>
		placed(
			context,
			ticket,
			ticket.public_id ?? ticket.id,
			timestampMs(ticket.created_at),
			'ticket',
		),
};

export function historyOf(conversationId: string): ListKind<HistoryItem> {
	return {
		read: (context) =>
			pageReader(context, {
				method: 'GET',
				path: SUPPORT_PATHS.history(conversationId),
				action: 'read conversation history',
				resource: `conversation "${conversationId}"`,
			}),
		place: (context, message) =>
			placed(context, message, message.id, messageTime(message), 'message'),
	};
}

/** One page of a list per call; an answer that is not a list of objects is an error naming what came. */
function pageReader<T>(context: IPollFunctions, request: VelentsRequest): PageReader<T> {
	return async (page, perPage) => {
		const response = await velentsRequest<unknown>(
			context,
			'support',
			{ ...request, qs: { [PAGINATION.pageParam]: page, [PAGINATION.perPageParam]: perPage } },
			POLL_TRANSPORT,
		);
		return { ...response, data: listOfRecords<T>(context, response.data, request, page) };
	};
}

/** How a list read for the first time starts. */
export interface StreamStart {
	/** Records created before this moment are old. */
	since: number;
	/**
	 * In the trigger's first poll, everything the read finds existed before the trigger started,
	 * even a record of the very second it started (timestamps have whole seconds): none is new.
	 */
	baseline: boolean;
}

/** Reads a list's new records. Returns undefined when the budget allowed no request. */
export async function readStream<T>(
	context: IPollFunctions,
	kind: ListKind<T>,
	previous: StreamState | undefined,
	start: StreamStart,
	budget: RequestBudget,
): Promise<StreamRead<T> | undefined> {
	const cursor = previous?.cursor ?? startCursor(start.since);
	const tail = await readTail(kind.read(context), previous?.page, budget, (records) =>
		records.some((record) => isKnown(cursor, kind.place(context, record))),
	);
	if (tail.page === undefined) return undefined;
	const records = tail.records.map((record) => kind.place(context, record));
	const next = advance(cursor, records);
	const fresh = previous === undefined && start.baseline ? [] : next.fresh;
	return { fresh, state: { cursor: next.cursor, page: tail.page }, records };
}

/**
 * A 429 (the token's budget is spent, perhaps by another workflow) or a 5xx: the poll ends without
 * an error and without losing anything, and the next poll reads again. Anything else, a network
 * failure included, is the trigger's error, which n8n records; the cursor does not move either.
 */
export function isTransient(error: unknown): boolean {
	const status = error instanceof NodeApiError ? Number(error.httpCode) : NaN;
	return status === 429 || status >= 500;
}

function placed<T>(
	context: IPollFunctions,
	record: T,
	key: unknown,
	createdAt: number | undefined,
	kind: 'ticket' | 'message',
): Placed<T> {
	if ((typeof key !== 'string' && typeof key !== 'number') || createdAt === undefined) {
		// Without both the trigger cannot tell new from old: failing loudly beats emitting every
		// record again on each poll, or silently none.
		const time = kind === 'ticket' ? '"created_at"' : '"created_at" or "timestamp"';
		const field = createdAt === undefined ? time : kind === 'ticket' ? '"public_id"' : '"id"';
		throw new NodeOperationError(
			context.getNode(),
			`Velents sent a ${kind} without a readable ${field}, so new ${kind}s cannot be told from old ones`,
			{
				description: `The trigger relies on each ${kind}'s ${field} (an assumption about the Velents API, listed in the package's README). Please report this with the ${kind} Velents sent: ${JSON.stringify(record).slice(0, 300)}`,
			},
		);
	}
	return { record, key: String(key), createdAt };
}
