/** Support Center endpoints: me, tickets (create, get, list), Send and history. Tenants never see each other's data. */
import { SUPPORT_ABILITIES, SUPPORT_PATHS } from '../../nodes/shared/contract';
import { createTicketRequestSchema, sendMessageRequestSchema } from '../contract/schemas';
import type {
	CreateTicketRequest,
	HistoryItem,
	Ticket,
	TokenInfo,
} from '../../nodes/shared/contract/types';
import type { ApiDeps, ApiRoute, SupportContext } from './apiRoute';
import { HttpError } from './http';
import type { ApiResult } from './http';
import { paginate } from './pagination';
import { paramTemplate } from './router';
import { render } from './script';
import type { SupportConversation } from './state';
import { laravelTimestamp } from './time';
import { check, validationError } from './validation';

/** Fields the server sets itself: a client's value for them is ignored. */
const SERVER_FIELDS = new Set([
	'id',
	'public_id',
	'conversation_id',
	'status',
	'created_at',
	'updated_at',
	'tenant_id',
]);

export function supportRoutes(deps: ApiDeps): ApiRoute[] {
	const ticket = SUPPORT_PATHS.ticket(paramTemplate('Ticket'));
	const send = SUPPORT_PATHS.sendMessage(paramTemplate('Conversation'));
	const history = SUPPORT_PATHS.history(paramTemplate('Conversation'));
	return [
		{ auth: 'support', method: 'GET', path: SUPPORT_PATHS.me, ability: null, handle: me },
		{
			auth: 'support',
			method: 'POST',
			path: SUPPORT_PATHS.tickets,
			ability: SUPPORT_ABILITIES.createTicket,
			handle: (ctx) => createTicket(deps, ctx),
		},
		{
			auth: 'support',
			method: 'GET',
			path: SUPPORT_PATHS.tickets,
			ability: SUPPORT_ABILITIES.readTicket,
			handle: (ctx) => listTickets(deps, ctx),
		},
		{
			auth: 'support',
			method: 'GET',
			path: ticket,
			ability: SUPPORT_ABILITIES.readTicket,
			handle: (ctx) => getTicket(deps, ctx),
		},
		{
			auth: 'support',
			method: 'POST',
			path: send,
			ability: SUPPORT_ABILITIES.sendMessage,
			handle: (ctx) => sendMessage(deps, ctx),
		},
		{
			auth: 'support',
			method: 'GET',
			path: history,
			ability: SUPPORT_ABILITIES.readHistory,
			handle: (ctx) => readHistory(deps, ctx),
		},
	];
}

function me(ctx: SupportContext): ApiResult {
	const data: TokenInfo = {
		tenant_id: ctx.tenant.tenant_id,
		token_name: ctx.tenant.token_name,
		abilities: ctx.tenant.abilities,
	};
	return { status: 200, body: { data } };
}

function createTicket(deps: ApiDeps, ctx: SupportContext): ApiResult {
	const parsed = check(createTicketRequestSchema, ctx.body);
	if (!parsed.ok) throw validationError(parsed.errors, deps.config().errorShape);
	return { status: 201, body: { data: openTicket(deps, ctx.tenant.tenant_id, parsed.data) } };
}

/** What creating a ticket and adding a message need: the state and the clock. */
export type SupportStore = Pick<ApiDeps, 'state' | 'config'>;

/** Opens a ticket (and its conversation, with the first customer message when given). */
export function openTicket(
	deps: SupportStore,
	tenantId: number,
	request: CreateTicketRequest,
): Ticket {
	const { subject, message, priority, customer, ...rest } = request;
	const state = deps.state();
	const now = laravelTimestamp(deps.config().now());

	const id = state.nextId('ticket');
	const conversation: SupportConversation = {
		id: state.nextId('supportConversation'),
		tenant_id: tenantId,
		ticket_public_id: `TCK-${String(id).padStart(6, '0')}`,
		messages: [],
	};
	state.supportConversations.set(String(conversation.id), conversation);

	// Unknown extra fields are kept and returned: the real API may know more fields than the contract.
	const extras = Object.fromEntries(
		Object.entries(rest).filter(([key]) => !SERVER_FIELDS.has(key)),
	);
	const ticket: Ticket = {
		id,
		public_id: conversation.ticket_public_id,
		conversation_id: conversation.id,
		subject,
		status: 'open',
		priority: priority ?? null,
		customer: customer ?? null,
		...extras,
		created_at: now,
		updated_at: now,
	};
	state.addTicket({ tenant_id: tenantId, ticket });
	if (message !== undefined && message.trim() !== '')
		addMessage(deps, conversation, 'customer', message);
	return ticket;
}

function getTicket(deps: ApiDeps, ctx: SupportContext): ApiResult {
	const stored = deps.state().tickets.get(ctx.params.Ticket);
	// Another tenant's ticket is indistinguishable from a missing one [doc: "not visible to this tenant"].
	if (!stored || stored.tenant_id !== ctx.tenant.tenant_id) {
		throw new HttpError(404, { message: `No ticket ${ctx.params.Ticket} found.` });
	}
	return { status: 200, body: { data: stored.ticket } };
}

function listTickets(deps: ApiDeps, ctx: SupportContext): ApiResult {
	const tickets = (deps.state().ticketsByTenant.get(ctx.tenant.tenant_id) ?? []).map(
		(stored) => stored.ticket,
	);
	return { status: 200, body: paginate(tickets, ctx.url, ctx.baseUrl) };
}

function sendMessage(deps: ApiDeps, ctx: SupportContext): ApiResult {
	const conversation = visibleConversation(deps, ctx);
	const parsed = check(sendMessageRequestSchema, ctx.body);
	if (!parsed.ok) throw validationError(parsed.errors, deps.config().errorShape);
	const message = addMessage(deps, conversation, 'customer', parsed.data.message);
	const reply = deps.config().autoReply;
	// The reply is stored at once, so a history read right after Send is deterministic.
	if (reply !== false)
		addMessage(deps, conversation, 'agent', render(reply, { message: parsed.data.message }));
	return { status: 201, body: { data: message } };
}

function readHistory(deps: ApiDeps, ctx: SupportContext): ApiResult {
	const conversation = visibleConversation(deps, ctx);
	return { status: 200, body: paginate(conversation.messages, ctx.url, ctx.baseUrl) };
}

function visibleConversation(deps: ApiDeps, ctx: SupportContext): SupportConversation {
	const conversation = deps.state().supportConversations.get(ctx.params.Conversation);
	if (!conversation || conversation.tenant_id !== ctx.tenant.tenant_id) {
		throw new HttpError(404, { message: `No conversation ${ctx.params.Conversation} found.` });
	}
	return conversation;
}

/** Appends a message of any role (the agent's and the system's come from Velents' side). */
export function addMessage(
	deps: SupportStore,
	conversation: SupportConversation,
	role: HistoryItem['role'],
	text: string,
): HistoryItem {
	const state = deps.state();
	const created_at = laravelTimestamp(deps.config().now());
	const item: HistoryItem = { id: state.nextId('message'), role, message: text, created_at };
	conversation.messages.push(item);
	const stored = state.tickets.get(conversation.ticket_public_id);
	if (stored) stored.ticket.updated_at = created_at;
	return item;
}
