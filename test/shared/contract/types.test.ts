/**
 * The plain types the nodes use (nodes/shared/contract/types.ts) and the zod schemas the sandbox and
 * the tests validate with (tools/contract/schemas.ts) describe the same shapes. The type-level half is
 * checked by the compiler (`npm run typecheck`, part of `npm test`; jest only transpiles): each pair
 * must be the same type, field by field (optional or not, and each field's type), or `Same<…>` is
 * `false` and the `true` below does not compile. The runtime half parses a value written against
 * each plain type and expects it back unchanged: a schema that dropped or renamed a field would
 * change it.
 */
import type { z } from 'zod';

import type * as Plain from '../../../nodes/shared/contract/types';
import { callDoneEvent, referenceEvent } from '../../../tools/contract/reference';
import {
	agentConfigurationSchema,
	agentValuesSchema,
	batchRequestSchema,
	batchRowSchema,
	batchSchema,
	callEventSchema,
	callHistoryEntrySchema,
	conversationEventSchema,
	conversationSchema,
	createTicketRequestSchema,
	customerSchema,
	dispatchRequestSchema,
	errorBodySchema,
	eventMessageSchema,
	extractionSchema,
	historyEntrySchema,
	historyItemSchema,
	paginationLinksSchema,
	paginationMetaSchema,
	ticketSchema,
	tokenInfoSchema,
	webhookOptionsSchema,
} from '../../../tools/contract/schemas';

/** Both written out as plain object types, field by field, so that interfaces and zod's mapped types compare. */
type Expanded<T> = T extends object ? { [K in keyof T]: Expanded<T[K]> } : T;
/** `true` only when the two are the same type: the same fields, each optional or not alike, the same field types. */
type Identical<A, B> =
	(<V>() => V extends Expanded<A> ? 1 : 2) extends <V>() => V extends Expanded<B> ? 1 : 2
		? true
		: false;
type Same<T, S extends z.ZodTypeAny> = Identical<T, z.infer<S>>;

const typesAgreeWithSchemas: Record<string, true> = {
	PaginationMeta: true as Same<Plain.PaginationMeta, typeof paginationMetaSchema>,
	PaginationLinks: true as Same<Plain.PaginationLinks, typeof paginationLinksSchema>,
	ErrorBody: true as Same<Plain.ErrorBody, typeof errorBodySchema>,
	AgentValues: true as Same<Plain.AgentValues, typeof agentValuesSchema>,
	WebhookOptions: true as Same<Plain.WebhookOptions, typeof webhookOptionsSchema>,
	DispatchRequest: true as Same<Plain.DispatchRequest, typeof dispatchRequestSchema>,
	BatchRow: true as Same<Plain.BatchRow, typeof batchRowSchema>,
	BatchRequest: true as Same<Plain.BatchRequest, typeof batchRequestSchema>,
	Conversation: true as Same<Plain.Conversation, typeof conversationSchema>,
	Batch: true as Same<Plain.Batch, typeof batchSchema>,
	AgentConfiguration: true as Same<Plain.AgentConfiguration, typeof agentConfigurationSchema>,
	Extraction: true as Same<Plain.Extraction, typeof extractionSchema>,
	EventMessage: true as Same<Plain.EventMessage, typeof eventMessageSchema>,
	HistoryEntry: true as Same<Plain.HistoryEntry, typeof historyEntrySchema>,
	ConversationEvent: true as Same<Plain.ConversationEvent, typeof conversationEventSchema>,
	CallHistoryEntry: true as Same<Plain.CallHistoryEntry, typeof callHistoryEntrySchema>,
	CallEvent: true as Same<Plain.CallEvent, typeof callEventSchema>,
	TokenInfo: true as Same<Plain.TokenInfo, typeof tokenInfoSchema>,
	Customer: true as Same<Plain.Customer, typeof customerSchema>,
	CreateTicketRequest: true as Same<Plain.CreateTicketRequest, typeof createTicketRequestSchema>,
	Ticket: true as Same<Plain.Ticket, typeof ticketSchema>,
	HistoryItem: true as Same<Plain.HistoryItem, typeof historyItemSchema>,
};

const customer: Plain.Customer = {
	name: 'Shady',
	email: 'shady@example.com',
	phone: '+201145803442',
};
const webhook: Plain.WebhookOptions = {
	link: 'https://n8n.example.com/webhook/velents',
	headers: { 'x-velents-n8n-secret': 'not-a-secret' },
	body: { source: 'n8n' },
};

/** A value of each plain type, every optional field set, with the schema that must accept it. */
const samples: Array<[string, unknown, z.ZodTypeAny]> = [
	[
		'PaginationMeta',
		{ current_page: 1, last_page: 3, per_page: 20, total: 41 } satisfies Plain.PaginationMeta,
		paginationMetaSchema,
	],
	[
		'ErrorBody',
		{
			message: 'The given data was invalid.',
			status: { message: 'invalid' },
			errors: { subject: ['The subject field is required.'] },
		} satisfies Plain.ErrorBody,
		errorBodySchema,
	],
	[
		'DispatchRequest',
		{
			channel_id: 3,
			phone: '+201145803442',
			values: { order_id: '1212', paid: true, amount: 12.5, note: null },
			webhook,
		} satisfies Plain.DispatchRequest,
		dispatchRequestSchema,
	],
	[
		'BatchRequest',
		{
			channel_id: 2,
			name: 'Reminders',
			rows: [
				{ phone: '+201145803442', values: { order_id: '1' } },
				{ phone: '+201145803443', values: { order_id: '2' } },
			],
			webhook,
		} satisfies Plain.BatchRequest,
		batchRequestSchema,
	],
	[
		'Conversation',
		{
			id: 7,
			phone: '+201145803442',
			status: 'queued',
			values: { order_id: '1212' },
			created_at: '2025-11-13 23:24:50',
		} satisfies Plain.Conversation,
		conversationSchema,
	],
	[
		'Batch',
		{ id: 'b-1', name: 'Reminders', rows_count: 2, status: 'queued' } satisfies Plain.Batch,
		batchSchema,
	],
	[
		'AgentConfiguration',
		{
			id: 4,
			public: 'boddy_rahsaan_Agent_4',
			name: 'Orders',
			status: 'active',
			channels: [{ id: 3, name: 'Voice' }],
			values: ['order_id'],
			extraction: ['customer_name'],
		} satisfies Plain.AgentConfiguration,
		agentConfigurationSchema,
	],
	[
		'ConversationEvent',
		referenceEvent('onEnded') satisfies Plain.ConversationEvent,
		conversationEventSchema,
	],
	['CallEvent', callDoneEvent() satisfies Plain.CallEvent, callEventSchema],
	[
		'TokenInfo',
		{
			tenant_id: 9,
			token_name: 'n8n',
			abilities: ['support.tickets.read'],
		} satisfies Plain.TokenInfo,
		tokenInfoSchema,
	],
	[
		'CreateTicketRequest',
		{
			subject: 'Order 1212',
			message: 'Where is it?',
			priority: 'high',
			customer,
			channel: 'n8n',
			tags: ['order'],
			metadata: { order_id: '1212' },
		} satisfies Plain.CreateTicketRequest,
		createTicketRequestSchema,
	],
	[
		'Ticket',
		{
			id: 1,
			public_id: 'TCK-1',
			conversation_id: 11,
			subject: 'Order 1212',
			status: 'open',
			priority: null,
			customer,
			created_at: '2025-11-13 23:24:50',
			updated_at: '2025-11-13 23:24:50',
		} satisfies Plain.Ticket,
		ticketSchema,
	],
	[
		'HistoryItem',
		{
			id: 2,
			role: 'agent',
			message: 'On its way.',
			created_at: '2025-11-13 23:25:10',
		} satisfies Plain.HistoryItem,
		historyItemSchema,
	],
];

describe('the plain types and the zod schemas', () => {
	it('compares every shape sampled here at compile time too', () => {
		expect(Object.keys(typesAgreeWithSchemas)).toEqual(
			expect.arrayContaining(samples.map(([name]) => name)),
		);
	});

	it.each(samples)(
		'a %s written against the plain type parses unchanged',
		(_name, value, schema) => {
			expect(schema.parse(value)).toEqual(value);
		},
	);
});
