/**
 * The Velents API's request, response and webhook shapes as plain TypeScript types, for node code.
 *
 * The same shapes as zod schemas (what the sandbox and the tests validate with) are in
 * tools/contract/schemas.ts, outside the package; a test keeps the two in agreement. Shapes are [doc]
 * unless marked otherwise, as in `./index`. `[key: string]: unknown` marks a shape whose extra keys
 * are tolerated.
 */
import type {
	CONVERSATION_EVENTS,
	HISTORY_ROLES,
	TICKET_PRIORITIES,
	TICKET_STATUSES,
} from './index';

/** Ids come as numbers or as texts. */
export type Id = number | string;

// ---------------------------------------------------------------- common

export interface PaginationMeta {
	current_page: number;
	last_page: number;
	per_page: number;
	total: number;
	[key: string]: unknown;
}

export interface PaginationLinks {
	next?: string | null;
	[key: string]: unknown;
}

/** Any error body: a `message`, or the `status` variant [assumed]; a 422 lists `errors` by field. */
export interface ErrorBody {
	message?: string;
	status?: { message: string; [key: string]: unknown };
	errors?: Record<string, string[]>;
	[key: string]: unknown;
}

// ---------------------------------------------------------------- Agent.sa

/** The agent's variables: CSV cells on the server, so flat scalar values [assumed]. */
export type AgentValues = Record<string, string | number | boolean | null>;

export interface WebhookOptions {
	link: string;
	/** Headers added to every event POST [assumed]. */
	headers?: Record<string, string>;
	/** Fields merged into every event body [assumed]. */
	body?: Record<string, unknown>;
}

/** [seen] */
export interface DispatchRequest {
	channel_id: number;
	phone: string;
	values: AgentValues;
	webhook?: WebhookOptions;
}

export interface BatchRow {
	phone: string;
	values: AgentValues;
}

/** [seen] Every row carries the same `values` keys in the same order (the server's CSV) [assumed, strong]. */
export interface BatchRequest {
	channel_id: number;
	name: string;
	rows: BatchRow[];
	webhook?: WebhookOptions;
}

/** Response of Dispatch [assumed]. */
export interface Conversation {
	id: Id;
	phone: string;
	status: string;
	values: AgentValues;
	created_at: string;
	[key: string]: unknown;
}

/** Response of Batch [assumed]. */
export interface Batch {
	id: Id;
	name: string;
	rows_count: number;
	status: string;
	[key: string]: unknown;
}

/** Response of the agent configuration [assumed]. */
export interface AgentConfiguration {
	id: Id;
	public: string;
	name: string;
	status: string;
	channels: Array<{ id: number; name: string; [key: string]: unknown }>;
	values: string[];
	extraction: string[];
	[key: string]: unknown;
}

// ---------------------------------------------------------------- webhook events

/** `[]` while nothing is extracted, an object afterwards [doc]. */
export type Extraction = unknown[] | Record<string, unknown>;

export interface AgentRef {
	id: Id;
	public: string;
	[key: string]: unknown;
}

export interface EventMessage {
	customer?: string | null;
	agent?: string | null;
	timestamp?: string;
	[key: string]: unknown;
}

export interface HistoryEntry {
	role: string;
	message: string | null;
	timestamp?: string;
	[key: string]: unknown;
}

/** Who an event is about: the conversation, or the call. */
export interface EventSubject {
	id: Id;
	phone: string;
	values?: Record<string, unknown>;
	/** Only on onStarted [doc]. */
	created_at?: string;
	[key: string]: unknown;
}

export interface ConversationEvent {
	event: {
		type: (typeof CONVERSATION_EVENTS)[number];
		about: 'conversation';
		[key: string]: unknown;
	};
	agent: AgentRef;
	conversation: EventSubject;
	result: {
		extraction: Extraction;
		message?: EventMessage;
		history?: HistoryEntry[];
		[key: string]: unknown;
	};
	[key: string]: unknown;
}

export interface CallHistoryEntry {
	role: string;
	content: string | null;
	timeAdded?: string | number;
	[key: string]: unknown;
}

/** The voice-call shape [seen]: `call` instead of `conversation`, `goals` instead of `extraction`. */
export interface CallEvent {
	/** `on` + a call status, such as `ondone`. */
	event: { type: string; about: 'call'; [key: string]: unknown };
	agent?: AgentRef;
	call: EventSubject & { channel_id?: number };
	result: {
		recording?: unknown;
		call_recording_url?: string | null;
		history?: CallHistoryEntry[];
		/** What was extracted, like a conversation's `extraction`. */
		goals?: Extraction;
		[key: string]: unknown;
	};
	[key: string]: unknown;
}

// ---------------------------------------------------------------- Support Center

/** Response of `me` [assumed shape]. */
export interface TokenInfo {
	tenant_id: Id;
	token_name: string;
	abilities: string[];
	[key: string]: unknown;
}

export interface Customer {
	name?: string;
	email?: string;
	phone?: string;
	[key: string]: unknown;
}

export type TicketPriority = (typeof TICKET_PRIORITIES)[number];
export type TicketStatus = (typeof TICKET_STATUSES)[number];

/** Create ticket [assumed, but `subject` is required per the reference's own 422 example]; extra fields pass. */
export interface CreateTicketRequest {
	subject: string;
	message?: string;
	priority?: TicketPriority;
	customer?: Customer;
	channel?: string;
	tags?: string[];
	metadata?: Record<string, unknown>;
	[key: string]: unknown;
}

export interface Ticket {
	id: Id;
	public_id: string;
	conversation_id: Id;
	subject: string;
	status: TicketStatus;
	priority: TicketPriority | null;
	customer: Customer | null;
	created_at: string;
	updated_at: string;
	[key: string]: unknown;
}

export interface HistoryItem {
	id: Id;
	role: (typeof HISTORY_ROLES)[number];
	message: string;
	created_at: string;
	[key: string]: unknown;
}
