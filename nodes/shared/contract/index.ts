/**
 * The Velents API as this package knows it: every path, header, field and enum in one place.
 *
 * Each value is marked with its certainty, as in the project's API contract:
 * [doc] published reference, [seen] seen in a working third-party client, [assumed] our working
 * assumption. Correcting an [assumed] value against the live API is a change to this file only.
 * The request, response and webhook shapes are the plain types in `./types` (the same shapes as zod
 * schemas, for the sandbox and the tests, are in tools/contract/schemas.ts).
 */

/** The two APIs of Velents this package talks to, each with a credential of its own. */
export type VelentsApi = 'agent' | 'support';

/** The credential type of each API (the `name` of its credential class). */
export const CREDENTIAL_TYPES: Record<VelentsApi, string> = {
	agent: 'velentsAgentApi',
	support: 'velentsSupportApi',
};

/** The credentials' names as n8n shows them (their `displayName`), for errors to name. */
export const CREDENTIAL_NAMES: Record<VelentsApi, string> = {
	agent: 'Velents Agent API',
	support: 'Velents Support API',
};

/** [doc] */
export const DEFAULT_BASE_URL = 'https://velents-agents.velents.ai';

/** [doc] documented form of a Support Center token. */
export const SUPPORT_TOKEN_FORMAT = 'AppName_tenantId_PersonalAccessToken_plainTextToken';

export const AGENT_PATHS = {
	/** [seen] */
	dispatch: '/Integration/Agent/Dispatch',
	/** [seen] */
	batch: '/Integration/Agent/Batch',
	/** existence [doc], path [assumed] */
	configuration: '/Integration/Agent',
} as const;

export const SUPPORT_PATHS = {
	/** [doc] */
	me: '/Company/TenantAuth/me',
	/** [doc] create (POST); list (GET) [assumed] */
	tickets: '/Company/Support/Tickets',
	/** existence [doc], path [assumed]: `{Ticket}` is the ticket's `public_id` */
	ticket: (publicId: string) => `/Company/Support/Tickets/${encodeURIComponent(publicId)}`,
	/** [doc] */
	sendMessage: (conversationId: string) =>
		`/Company/Conversation/${encodeURIComponent(conversationId)}/Send`,
	/** [doc], lower-case `history` as written in the reference */
	history: (conversationId: string) =>
		`/Company/Conversation/${encodeURIComponent(conversationId)}/history`,
} as const;

/** Outbound channels: 3 = Voice [seen], 2 = WhatsApp [assumed]. The agent configuration's own list comes first. */
export const KNOWN_CHANNELS = [
	{ id: 2, name: 'WhatsApp' },
	{ id: 3, name: 'Voice' },
] as const;
export const VOICE_CHANNEL_ID = 3;

/** Rows of one Batch request: no limit is published [assumed]; the default keeps each request small. */
export const BATCH_LIMITS = { defaultRowsPerCall: 500, maxRowsPerCall: 5000 } as const;

/** [assumed] */
export const TICKET_PRIORITIES = ['low', 'medium', 'high', 'urgent'] as const;
/** [assumed] */
export const TICKET_STATUSES = ['open', 'pending', 'resolved', 'closed'] as const;
/** [assumed] roles of a Support Center history item */
export const HISTORY_ROLES = ['customer', 'agent', 'system'] as const;

/**
 * Abilities a Support Center token needs per endpoint. The reference says each endpoint needs one
 * but does not publish their names [assumed].
 */
export const SUPPORT_ABILITIES = {
	createTicket: 'support.tickets.create',
	readTicket: 'support.tickets.read',
	sendMessage: 'support.conversations.send',
	readHistory: 'support.conversations.read',
} as const;
export type SupportAbility = (typeof SUPPORT_ABILITIES)[keyof typeof SUPPORT_ABILITIES];

/** [doc] query parameters of paginated lists (Laravel paginator); the page-size cap is [assumed]. */
export const PAGINATION = {
	pageParam: 'page',
	perPageParam: 'per_page',
	maxPerPage: 100,
} as const;

/** [doc] rate-limit headers (lower case, as Node delivers them). The limit is per token, per minute. */
export const RATE_LIMIT = {
	limitHeader: 'x-ratelimit-limit',
	remainingHeader: 'x-ratelimit-remaining',
	retryAfterHeader: 'retry-after',
	windowSeconds: 60,
} as const;

/** The lifecycle events of a conversation, in the order they arrive [doc]. */
export const CONVERSATION_EVENTS = ['onStarted', 'onMessage', 'onUpdate', 'onEnded'] as const;
export type ConversationEventType = (typeof CONVERSATION_EVENTS)[number];

/**
 * Voice calls post another shape, `event.about = "call"` [seen]. `ondone` is seen; the others are
 * `on` + a call status [assumed].
 */
export const CALL_EVENTS = ['ondone', 'onfailed', 'onno_response'] as const;
export const EVENT_ABOUT = { conversation: 'conversation', call: 'call' } as const;

/** [seen] header on every event POST; its value is the secret configured on the Velents side [assumed]. */
export const WEBHOOK_SECRET_HEADER = 'x-velents-authorization';

/** [doc] E.164: a `+`, then up to 15 digits, the first not 0. */
export const E164_PATTERN = /^\+[1-9]\d{6,14}$/;
