/**
 * One poll: New Ticket or New Message, with the cursor in the node's static data.
 *
 * A list's cursor moves only once the poll has read it, so nothing is lost halfway: after a 429 or a
 * 5xx the lists already read keep their new cursor and emit their records, the others are read
 * next time; any other error emits nothing and moves no cursor. A manual "fetch test event" shows
 * the newest record and leaves the cursor alone.
 */
import type { IDataObject, INodeExecutionData, IPollFunctions } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { HistoryItem } from '../shared/contract/types';
import type { Placed } from './cursor';
import { readTail, RequestBudget } from './listTail';
import { chronological, messageItem, ticketItem } from './output';
import type { WatchedConversation } from './selection';
import { hasRole, parseConversationIds, recentTicketConversations, rotation } from './selection';
import type { StreamStart, StreamState } from './streams';
import { historyOf, isTransient, readStream, TICKETS } from './streams';

/** The node's static data. */
export interface TriggerState {
	/** When the trigger first polled (epoch ms): nothing created before is emitted. */
	startedAt?: number;
	/** Polls so far: none yet means this is the first (the baseline); turns through the conversations. */
	polls?: number;
	/** New Ticket: the tenant's tickets. */
	tickets?: StreamState;
	/** New Message from recent tickets: the last page of the ticket list read. */
	ticketListPage?: number;
	/** New Message: per conversation id, its history's state and the poll that last read it. */
	conversations?: Record<string, StreamState & { lastRead: number }>;
}

type Emitted = Array<Placed<INodeExecutionData>>;

export async function poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
	const manual = this.getMode() === 'manual';
	const stored = this.getWorkflowStaticData('node') as IDataObject & TriggerState;
	// The test fetch must not move the cursor of the active workflow: it works on a copy.
	const state: TriggerState = manual
		? (JSON.parse(JSON.stringify(stored)) as TriggerState)
		: stored;
	// API timestamps have whole seconds: the start is rounded down, so that a record created in the
	// second the trigger started, after its first poll, is emitted rather than missed.
	state.startedAt ??= Math.floor(Date.now() / 1000) * 1000;
	const budget = new RequestBudget(this.getNodeParameter('requestsPerPoll', 10) as number);
	const event = this.getNodeParameter('event') as string;

	const emitted =
		event === 'newTicket'
			? await pollTickets(this, state, budget, manual)
			: await pollMessages(this, state, budget, manual);
	state.polls = (state.polls ?? 0) + 1;
	const items = chronological(emitted).map((entry) => entry.record);
	return items.length > 0 ? [items] : null;
}

async function pollTickets(
	context: IPollFunctions,
	state: TriggerState,
	budget: RequestBudget,
	manual: boolean,
): Promise<Emitted> {
	const read = await untilTransient(context, () =>
		readStream(context, TICKETS, manual ? undefined : state.tickets, streamStart(state), budget),
	);
	if (!read) return [];
	if (manual) return newest(read.records).map(asItem(ticketItem));
	state.tickets = read.state;
	return read.fresh.map(asItem(ticketItem));
}

async function pollMessages(
	context: IPollFunctions,
	state: TriggerState,
	budget: RequestBudget,
	manual: boolean,
): Promise<Emitted> {
	const watched = await watchedConversations(context, state, budget);
	if (!watched) return [];
	const roles = context.getNodeParameter('roles', []) as string[];
	const known = state.conversations ?? {};
	const poll = state.polls ?? 0;
	const conversations: NonNullable<TriggerState['conversations']> = {};
	for (const conversation of watched) {
		const previous = known[conversation.conversationId];
		if (previous) conversations[conversation.conversationId] = previous;
	}

	const emitted: Emitted = [];
	const found: Emitted = [];
	for (const conversation of rotation(watched, (id) => known[id]?.lastRead)) {
		if (budget.left <= 0) break;
		const { conversationId, ticketPublicId } = conversation;
		const item = asItem((message: HistoryItem) =>
			messageItem(conversationId, ticketPublicId, message),
		);
		const read = await untilTransient(context, () =>
			readStream(
				context,
				historyOf(conversationId),
				manual ? undefined : known[conversationId],
				streamStart(state),
				budget,
			),
		);
		if (!read) break;
		found.push(...read.records.filter((placed) => hasRole(placed.record, roles)).map(item));
		conversations[conversationId] = { ...read.state, lastRead: poll };
		emitted.push(...read.fresh.filter((placed) => hasRole(placed.record, roles)).map(item));
	}
	if (manual) return newest(found);
	// Conversations no longer watched are forgotten: static data stays as small as the watched set.
	state.conversations = conversations;
	return emitted;
}

/** The conversations to watch; undefined when the ticket list could not be read this time. */
async function watchedConversations(
	context: IPollFunctions,
	state: TriggerState,
	budget: RequestBudget,
): Promise<WatchedConversation[] | undefined> {
	if (context.getNodeParameter('watch') === 'conversationIds') {
		const parsed = parseConversationIds(context.getNodeParameter('conversationIds'));
		if ('invalid' in parsed) {
			throw new NodeOperationError(
				context.getNode(),
				`Conversation IDs: "${parsed.invalid}" is not a conversation ID`,
				{
					description:
						'Give the conversation_id of each ticket, separated by commas, or an expression that returns a list of them.',
				},
			);
		}
		return parsed.ids.map((conversationId) => ({ conversationId, ticketPublicId: null }));
	}
	const count = context.getNodeParameter('recentTicketCount', 20) as number;
	const days = context.getNodeParameter('recentTicketDays', 7) as number;
	// The newest tickets are at the end of the list; the page before is read too when the last holds fewer than `count`.
	const read = await untilTransient(context, () =>
		readTail(
			TICKETS.read(context),
			state.ticketListPage,
			budget,
			(tickets) => tickets.length >= count,
		),
	);
	if (read?.page === undefined) return undefined;
	state.ticketListPage = read.page;
	return recentTicketConversations(read.records, { count, days, now: Date.now() });
}

/**
 * Runs a read; a transient failure (429, 5xx) ends the poll quietly, as undefined. Any other
 * failure (401, 403, 404, the network, a record the trigger cannot place) is the trigger's error.
 */
async function untilTransient<T>(
	context: IPollFunctions,
	read: () => Promise<T | undefined>,
): Promise<T | undefined> {
	try {
		return await read();
	} catch (error) {
		if (isTransient(error)) return undefined;
		throw error instanceof NodeApiError || error instanceof NodeOperationError
			? error
			: new NodeOperationError(context.getNode(), error as Error);
	}
}

function streamStart(state: TriggerState): StreamStart {
	return { since: state.startedAt ?? 0, baseline: state.polls === undefined };
}

function newest<T>(entries: Array<Placed<T>>): Array<Placed<T>> {
	return chronological(entries).slice(-1);
}

function asItem<T>(
	shape: (record: T) => INodeExecutionData,
): (placed: Placed<T>) => Placed<INodeExecutionData> {
	return (placed) => ({ ...placed, record: shape(placed.record) });
}
