/**
 * The contract schemas against the reference's own examples, verbatim: if an example stops
 * parsing, the contract (or the reference) changed.
 */
import { z } from 'zod';

import { CONVERSATION_EVENTS } from '../../nodes/shared/contract';
import {
	batchRequestSchema,
	callEventSchema,
	conversationEventSchema,
	createTicketRequestSchema,
	dispatchRequestSchema,
	validationErrorSchema,
	webhookEventSchema,
} from './schemas';
import { REFERENCE_VALIDATION_ERROR, callDoneEvent, referenceEvent } from './reference';

describe('the reference’s webhook examples', () => {
	it.each(CONVERSATION_EVENTS)('%s parses as a conversation event', (type) => {
		const event = conversationEventSchema.parse(referenceEvent(type));
		expect(event.event).toEqual({ type, about: 'conversation' });
	});

	it('keeps Arabic text intact', () => {
		const event = conversationEventSchema.parse(referenceEvent('onMessage'));
		expect(event.result.message?.agent).toBe('ممتاز! تبي تحجز اليوم الساعة 10 بالليل...');
	});

	it('extraction is [] while empty and an object once something is extracted', () => {
		expect(conversationEventSchema.parse(referenceEvent('onStarted')).result.extraction).toEqual(
			[],
		);
		expect(conversationEventSchema.parse(referenceEvent('onEnded')).result.extraction).toEqual({
			customer_name: 'shady',
		});
	});

	it('only onStarted carries conversation.created_at', () => {
		expect(conversationEventSchema.parse(referenceEvent('onStarted')).conversation.created_at).toBe(
			'2025-11-13 23:24:50',
		);
		expect(
			conversationEventSchema.parse(referenceEvent('onEnded')).conversation.created_at,
		).toBeUndefined();
	});

	it('the seen voice-call shape parses as a call event, and any event as one of the two', () => {
		expect(callEventSchema.parse(callDoneEvent()).result.goals).toEqual({
			customer_name: 'shady',
			booking_time: '22:00',
		});
		for (const event of [...CONVERSATION_EVENTS.map(referenceEvent), callDoneEvent()]) {
			expect(webhookEventSchema.safeParse(event).success).toBe(true);
		}
	});

	it('an event without a type is no event', () => {
		expect(webhookEventSchema.safeParse({ agent: { id: 4, public: 'x' } }).success).toBe(false);
	});
});

describe('the reference’s 422 example', () => {
	it('parses as a validation error listing the subject field', () => {
		expect(validationErrorSchema.parse(REFERENCE_VALIDATION_ERROR)).toEqual({
			message: 'The given data was invalid.',
			errors: { subject: ['The subject field is required.'] },
		});
	});

	it('is what an empty subject gets from the create-ticket schema', () => {
		const result = createTicketRequestSchema.safeParse({ subject: '' });
		expect(result.success).toBe(false);
		expect((result as z.SafeParseError<unknown>).error.issues[0]).toMatchObject({
			path: ['subject'],
			message: 'The subject field is required.',
		});
	});
});

describe('requests the nodes send', () => {
	const row = (values: Record<string, string>) => ({ phone: '+201145803442', values });

	it('a Dispatch needs an E.164 phone', () => {
		const dispatch = {
			channel_id: 3,
			phone: '+201145803442',
			values: { company_name: 'acme', order_id: '1212' },
		};
		expect(dispatchRequestSchema.safeParse(dispatch).success).toBe(true);
		expect(dispatchRequestSchema.safeParse({ ...dispatch, phone: '01145803442' }).success).toBe(
			false,
		);
	});

	it('a Batch needs the same values keys in the same order in every row (the CSV caveat)', () => {
		const batch = {
			channel_id: 2,
			name: 'Reminders',
			rows: [row({ a: '1', b: '2' }), row({ a: '3', b: '4' })],
		};
		expect(batchRequestSchema.safeParse(batch).success).toBe(true);
		const reordered = { ...batch, rows: [row({ a: '1', b: '2' }), row({ b: '4', a: '3' })] };
		const result = batchRequestSchema.safeParse(reordered);
		expect(result.success).toBe(false);
		expect((result as z.SafeParseError<unknown>).error.issues[0].path).toEqual([
			'rows',
			1,
			'values',
		]);
	});

	it('a ticket may carry fields the contract does not know', () => {
		expect(createTicketRequestSchema.parse({ subject: 'x', department: 'logistics' })).toEqual({
			subject: 'x',
			department: 'logistics',
		});
	});
});
