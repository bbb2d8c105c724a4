import type { HistoryItem, Ticket } from '../../nodes/shared/contract/types';
import {
	hasRole,
	parseConversationIds,
	recentTicketConversations,
	rotation,
} from '../../nodes/VelentsSupportTrigger/selection';
import { timestampMs } from '../../nodes/shared/contract';

const ticket = (id: number, createdAt: string): Ticket => ({
	id,
	public_id: `TCK-${id}`,
	conversation_id: 100 + id,
	subject: `Ticket ${id}`,
	status: 'open',
	priority: null,
	customer: null,
	created_at: createdAt,
	updated_at: createdAt,
});

describe('the conversations a New Message poll watches', () => {
	it('reads given IDs from a text (commas, spaces, new lines) or a list, once each', () => {
		expect(parseConversationIds('12, 15\n31 12')).toEqual({ ids: ['12', '15', '31'] });
		expect(parseConversationIds([12, '15', ' '])).toEqual({ ids: ['12', '15'] });
		expect(parseConversationIds('')).toEqual({ ids: [] });
	});

	it('names the first entry that is not a conversation ID', () => {
		expect(parseConversationIds('12, 1/5')).toEqual({ invalid: '1/5' });
		expect(parseConversationIds([12, { id: 3 }])).toEqual({ invalid: '[object Object]' });
	});

	it('watches the conversations of the newest tickets created within the days given', () => {
		const now = Date.parse('2026-06-10T12:00:00Z');
		const tickets = [
			ticket(1, '2026-06-01 09:00:00'),
			ticket(2, '2026-06-08 09:00:00'),
			ticket(3, '2026-06-09 09:00:00'),
			ticket(4, '2026-06-10T11:00:00Z'),
		];
		expect(recentTicketConversations(tickets, { count: 2, days: 7, now })).toEqual([
			{ conversationId: '104', ticketPublicId: 'TCK-4' },
			{ conversationId: '103', ticketPublicId: 'TCK-3' },
		]);
		expect(
			recentTicketConversations(tickets, { count: 10, days: 7, now }).map((c) => c.ticketPublicId),
		).toEqual(['TCK-4', 'TCK-3', 'TCK-2']);
	});

	it('takes turns: never read first, then the least recently read, list order breaking ties', () => {
		const watched = ['a', 'b', 'c', 'd'].map((id) => ({
			conversationId: id,
			ticketPublicId: null,
		}));
		const lastRead: Record<string, number> = { a: 3, b: 1, d: 1 };
		expect(rotation(watched, (id) => lastRead[id]).map((c) => c.conversationId)).toEqual([
			'c',
			'b',
			'd',
			'a',
		]);
	});

	it('filters messages by role', () => {
		const message: HistoryItem = {
			id: 1,
			role: 'agent',
			message: 'x',
			created_at: '2026-06-10 12:00:00',
		};
		expect(hasRole(message, ['agent', 'system'])).toBe(true);
		expect(hasRole(message, ['customer'])).toBe(false);
	});
});

describe('API timestamps', () => {
	it('reads both documented forms, the one without a zone as UTC, and epoch seconds or milliseconds', () => {
		expect(timestampMs('2025-11-13 23:24:50')).toBe(Date.parse('2025-11-13T23:24:50Z'));
		expect(timestampMs('2025-11-13T23:25:10Z')).toBe(Date.parse('2025-11-13T23:25:10Z'));
		expect(timestampMs('2025-11-13T23:25:10+03:00')).toBe(Date.parse('2025-11-13T20:25:10Z'));
		expect(timestampMs(1763076610)).toBe(1763076610_000);
		expect(timestampMs('1763076610123')).toBe(1763076610123);
		expect(timestampMs('yesterday')).toBeUndefined();
		expect(timestampMs(undefined)).toBeUndefined();
	});
});
