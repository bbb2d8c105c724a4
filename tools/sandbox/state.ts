/** Everything the sandbox remembers: what it was asked, what it created, what it delivered. */
import type { IncomingHttpHeaders } from 'node:http';

import type {
	AgentValues,
	HistoryItem,
	Ticket,
	WebhookOptions,
} from '../../nodes/shared/contract/types';

export interface RecordedRequest {
	id: number;
	received_at: string;
	method: string;
	path: string;
	query: Record<string, string>;
	headers: IncomingHttpHeaders;
	/** The parsed JSON body, the raw text when it is not JSON, or null when empty. */
	body: unknown;
	/** The status answered; null when the socket was dropped (or the answer is still pending). */
	status: number | null;
	duration_ms: number | null;
	/** The fault applied to this request, if any. */
	fault: AppliedFault | null;
}

export interface AppliedFault {
	status: number | null;
	latencyMs: number;
	drop: boolean;
	afterProcessing: boolean;
}

export type AgentConversationStatus = 'queued' | 'in_progress' | 'ended';

/** A conversation an agent was asked to have, by Dispatch or as one Batch row. */
export interface AgentConversationRecord {
	id: number;
	agent_id: number | string;
	channel_id: number;
	phone: string;
	values: AgentValues;
	status: AgentConversationStatus;
	created_at: string;
	batch_id: number | null;
	row_index: number | null;
	webhook: WebhookOptions | null;
}

export interface DispatchRecord {
	conversation: AgentConversationRecord;
	token: string;
	received_at: string;
}

export interface BatchRowRecord {
	phone: string;
	values: AgentValues;
	conversation_id: number;
}

export interface BatchRecord {
	id: number;
	name: string;
	rows_count: number;
	status: string;
	channel_id: number;
	agent_id: number | string;
	webhook: WebhookOptions | null;
	token: string;
	created_at: string;
	rows: BatchRowRecord[];
}

export interface DeliveryRecord {
	id: number;
	conversation_id: number;
	batch_id: number | null;
	event_type: string;
	/** Position of the event in its conversation (0 = first); a duplicate repeats its original's. */
	sequence: number;
	/** True for the second POST of a redelivered event. */
	duplicate: boolean;
	url: string;
	headers: Record<string, string>;
	body: Record<string, unknown>;
	status: number | null;
	/** Network error, timeout or failed self-check; null when the receiver answered. */
	error: string | null;
	response_body: string | null;
	started_at: string;
	/** Real epoch milliseconds when the POST started (the clock option may be fake). */
	started_ms: number;
	duration_ms: number;
}

export interface StoredTicket {
	tenant_id: number;
	ticket: Ticket;
}

export interface SupportConversation {
	id: number;
	tenant_id: number;
	ticket_public_id: string;
	messages: HistoryItem[];
}

type Counter =
	| 'request'
	| 'agentConversation'
	| 'batch'
	| 'delivery'
	| 'ticket'
	| 'supportConversation'
	| 'message';

export class SandboxState {
	requests: RecordedRequest[] = [];
	agentConversations = new Map<number, AgentConversationRecord>();
	dispatches: DispatchRecord[] = [];
	batches: BatchRecord[] = [];
	deliveries: DeliveryRecord[] = [];
	/** By `public_id`; a Map keeps creation order. */
	tickets = new Map<string, StoredTicket>();
	/** Per tenant, in creation order, so a list never scans other tenants' tickets. */
	ticketsByTenant = new Map<number, StoredTicket[]>();
	/** By conversation id as it appears in a path. */
	supportConversations = new Map<string, SupportConversation>();

	private counters = new Map<Counter, number>();

	nextId(counter: Counter): number {
		const next = (this.counters.get(counter) ?? 0) + 1;
		this.counters.set(counter, next);
		return next;
	}

	addTicket(stored: StoredTicket): void {
		this.tickets.set(stored.ticket.public_id, stored);
		const list = this.ticketsByTenant.get(stored.tenant_id) ?? [];
		list.push(stored);
		this.ticketsByTenant.set(stored.tenant_id, list);
	}

	clear(): void {
		this.requests = [];
		this.agentConversations = new Map();
		this.dispatches = [];
		this.batches = [];
		this.deliveries = [];
		this.tickets = new Map();
		this.ticketsByTenant = new Map();
		this.supportConversations = new Map();
		this.counters = new Map();
	}
}
