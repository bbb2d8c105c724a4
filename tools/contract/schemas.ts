/**
 * The Velents API's request, response and webhook shapes as zod schemas: what the sandbox server and
 * the tests validate with. Outside the package (zod is a development dependency): node code uses the
 * plain types of nodes/shared/contract/types.ts, and test/shared/contract/types.test.ts keeps the
 * two in agreement.
 * Shapes are [doc] unless marked otherwise, as in the contract module.
 */
import { z } from 'zod';

import {
	CONVERSATION_EVENTS,
	E164_PATTERN,
	EVENT_ABOUT,
	HISTORY_ROLES,
	TICKET_PRIORITIES,
	TICKET_STATUSES,
} from '../../nodes/shared/contract';

// ---------------------------------------------------------------- common

export const phoneSchema = z
	.string()
	.regex(E164_PATTERN, 'The phone must be E.164, such as +201145803442.');

/** `2025-11-13 23:24:50` (no zone) or ISO-8601 `2025-11-13T23:25:10Z` [doc]. */
export const timestampSchema = z.string().min(1);

const idSchema = z.union([z.number().int(), z.string().min(1)]);

/** Every success wraps its payload under `data`; extra top-level keys are tolerated [assumed]. */
export const envelopeSchema = <T extends z.ZodTypeAny>(data: T) => z.object({ data }).passthrough();

export const paginationMetaSchema = z
	.object({
		current_page: z.number().int(),
		last_page: z.number().int(),
		per_page: z.number().int(),
		total: z.number().int(),
	})
	.passthrough();

export const paginationLinksSchema = z
	.object({ next: z.string().nullable().optional() })
	.passthrough();

export const pageSchema = <T extends z.ZodTypeAny>(item: T) =>
	z
		.object({
			data: z.array(item),
			meta: paginationMetaSchema.optional(),
			links: paginationLinksSchema.optional(),
		})
		.passthrough();

/** 422 body [doc], and the `status` variant [assumed]. */
export const validationErrorSchema = z.union([
	z.object({ message: z.string(), errors: z.record(z.array(z.string())) }).passthrough(),
	z
		.object({
			status: z.object({ message: z.string(), check: z.boolean().optional() }).passthrough(),
			errors: z.record(z.array(z.string())),
		})
		.passthrough(),
]);

/** Any other error body: a `message`, or the `status` variant [assumed]. */
export const errorBodySchema = z
	.object({
		message: z.string().optional(),
		status: z.object({ message: z.string() }).passthrough().optional(),
		errors: z.record(z.array(z.string())).optional(),
	})
	.passthrough();

// ---------------------------------------------------------------- Agent.sa

/** The agent's variables: CSV cells on the server, so flat scalar values [assumed]. */
export const agentValuesSchema = z.record(z.union([z.string(), z.number(), z.boolean(), z.null()]));

export const webhookOptionsSchema = z.object({
	link: z.string().url(),
	/** Headers added to every event POST [assumed]. */
	headers: z.record(z.string()).optional(),
	/** Fields merged into every event body [assumed]. */
	body: z.record(z.unknown()).optional(),
});

/** [seen] */
export const dispatchRequestSchema = z.object({
	channel_id: z.number().int().positive(),
	phone: phoneSchema,
	values: agentValuesSchema,
	webhook: webhookOptionsSchema.optional(),
});

export const batchRowSchema = z.object({ phone: phoneSchema, values: agentValuesSchema });

/**
 * [seen] The server turns rows into a CSV whose columns are the first row's `values` keys
 * [assumed, strong]: every row must carry the same keys in the same order.
 */
export const batchRequestSchema = z
	.object({
		channel_id: z.number().int().positive(),
		name: z.string().min(1),
		rows: z.array(batchRowSchema).min(1),
		webhook: webhookOptionsSchema.optional(),
	})
	.superRefine((batch, ctx) => {
		// zod still runs this refinement when `rows` is empty (the min(1) issue only marks it dirty).
		if (batch.rows.length === 0) return;
		const columns = Object.keys(batch.rows[0].values).join(',');
		batch.rows.forEach((row, index) => {
			if (Object.keys(row.values).join(',') !== columns) {
				ctx.addIssue({
					code: z.ZodIssueCode.custom,
					path: ['rows', index, 'values'],
					message: `Row ${index} must have the same values keys, in the same order, as row 0 (${columns}).`,
				});
			}
		});
	});

/** Response of Dispatch [assumed]. */
export const conversationSchema = z
	.object({
		id: idSchema,
		phone: phoneSchema,
		status: z.string(),
		values: agentValuesSchema,
		created_at: timestampSchema,
	})
	.passthrough();

/** Response of Batch [assumed]. */
export const batchSchema = z
	.object({ id: idSchema, name: z.string(), rows_count: z.number().int(), status: z.string() })
	.passthrough();

/** Response of the agent configuration [assumed]. */
export const agentConfigurationSchema = z
	.object({
		id: idSchema,
		public: z.string(),
		name: z.string(),
		status: z.string(),
		channels: z.array(z.object({ id: z.number().int(), name: z.string() }).passthrough()),
		values: z.array(z.string()),
		extraction: z.array(z.string()),
	})
	.passthrough();

// ---------------------------------------------------------------- webhook events

const agentRefSchema = z.object({ id: idSchema, public: z.string() }).passthrough();

/** `[]` while nothing is extracted, an object afterwards [doc]. */
export const extractionSchema = z.union([z.array(z.unknown()).max(0), z.record(z.unknown())]);

export const eventMessageSchema = z
	.object({
		customer: z.string().nullable(),
		agent: z.string().nullable(),
		timestamp: timestampSchema,
	})
	.partial()
	.passthrough();

export const historyEntrySchema = z
	.object({ role: z.string(), message: z.string().nullable(), timestamp: z.string().optional() })
	.passthrough();

/** Who an event is about: the conversation, or the call. */
const eventSubjectSchema = z
	.object({
		id: idSchema,
		phone: z.string(),
		values: z.record(z.unknown()).optional(),
		created_at: timestampSchema.optional(),
	})
	.passthrough();

export const conversationEventSchema = z
	.object({
		event: z
			.object({ type: z.enum(CONVERSATION_EVENTS), about: z.literal(EVENT_ABOUT.conversation) })
			.passthrough(),
		agent: agentRefSchema,
		/** `created_at` only on onStarted [doc] */
		conversation: eventSubjectSchema,
		result: z
			.object({
				extraction: extractionSchema,
				message: eventMessageSchema.optional(),
				history: z.array(historyEntrySchema).optional(),
			})
			.passthrough(),
	})
	.passthrough();

export const callHistoryEntrySchema = z
	.object({
		role: z.string(),
		content: z.string().nullable(),
		timeAdded: z.union([z.string(), z.number()]).optional(),
	})
	.passthrough();

/** The voice-call shape [seen]: `call` instead of `conversation`, `goals` instead of `extraction`. */
export const callEventSchema = z
	.object({
		event: z
			.object({ type: z.string().regex(/^on/), about: z.literal(EVENT_ABOUT.call) })
			.passthrough(),
		agent: agentRefSchema.optional(),
		call: eventSubjectSchema.extend({ channel_id: z.number().int().optional() }),
		result: z
			.object({
				recording: z.unknown().optional(),
				call_recording_url: z.string().nullable().optional(),
				history: z.array(callHistoryEntrySchema).optional(),
				/** What was extracted, like a conversation's `extraction`. */
				goals: extractionSchema.optional(),
			})
			.passthrough(),
	})
	.passthrough();

export const webhookEventSchema = z.union([conversationEventSchema, callEventSchema]);

// ---------------------------------------------------------------- Support Center

/** Response of `me` [assumed shape]. */
export const tokenInfoSchema = z
	.object({
		tenant_id: idSchema,
		token_name: z.string(),
		abilities: z.array(z.string()),
	})
	.passthrough();

export const customerSchema = z
	.object({
		name: z.string().min(1).optional(),
		email: z.string().email().optional(),
		phone: phoneSchema.optional(),
	})
	.passthrough();

/** Create ticket [assumed, but `subject` is required per the reference's own 422 example]; extra fields pass. */
export const createTicketRequestSchema = z
	.object({
		subject: z.string().trim().min(1, 'The subject field is required.'),
		message: z.string().optional(),
		priority: z.enum(TICKET_PRIORITIES).optional(),
		customer: customerSchema.optional(),
		channel: z.string().optional(),
		tags: z.array(z.string()).optional(),
		metadata: z.record(z.unknown()).optional(),
	})
	.passthrough();

export const ticketSchema = z
	.object({
		id: idSchema,
		public_id: z.string(),
		conversation_id: idSchema,
		subject: z.string(),
		status: z.enum(TICKET_STATUSES),
		priority: z.enum(TICKET_PRIORITIES).nullable(),
		customer: customerSchema.nullable(),
		created_at: timestampSchema,
		updated_at: timestampSchema,
	})
	.passthrough();

export const sendMessageRequestSchema = z.object({
	message: z.string().trim().min(1, 'The message field is required.'),
});

export const historyItemSchema = z
	.object({
		id: idSchema,
		role: z.enum(HISTORY_ROLES),
		message: z.string(),
		created_at: timestampSchema,
	})
	.passthrough();
