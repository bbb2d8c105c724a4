import { SUPPORT_ABILITIES, SUPPORT_PATHS } from '../../nodes/shared/contract';
import {
	envelopeSchema,
	historyItemSchema,
	pageSchema,
	ticketSchema,
	tokenInfoSchema,
} from '../contract/schemas';
import type { HistoryItem, Ticket } from '../../nodes/shared/contract/types';
import {
	DEFAULT_SUPPORT_TOKEN,
	OTHER_TENANT_SUPPORT_TOKEN,
	READ_ONLY_SUPPORT_TOKEN,
	startSandbox,
} from './server';
import type { Sandbox } from './server';
import { call } from './testHelpers';

interface Page<T> {
	data: T[];
	meta: {
		current_page: number;
		last_page: number;
		per_page: number;
		total: number;
		from: number | null;
		to: number | null;
	};
	links: { first: string; last: string; prev: string | null; next: string | null };
}

const token = DEFAULT_SUPPORT_TOKEN;

describe('sandbox Support Center API', () => {
	let sandbox: Sandbox;
	beforeAll(async () => {
		sandbox = await startSandbox({ rateLimit: { limit: 1000 } });
	});
	afterEach(() => sandbox.reset());
	afterAll(() => sandbox.close());

	async function createTicket(
		body: Record<string, unknown> = { subject: 'Order late' },
		as = token,
	): Promise<Ticket> {
		const res = await call<{ data: Ticket }>(sandbox.url, 'POST', SUPPORT_PATHS.tickets, {
			token: as,
			json: body,
		});
		expect(res.status).toBe(201);
		return res.body.data;
	}

	describe('GET me', () => {
		it('returns the token’s tenant, name and abilities', async () => {
			const res = await call(sandbox.url, 'GET', SUPPORT_PATHS.me, { token });
			expect(res.status).toBe(200);
			expect(envelopeSchema(tokenInfoSchema).parse(res.body).data).toEqual({
				tenant_id: 1,
				token_name: 'sandbox',
				abilities: Object.values(SUPPORT_ABILITIES),
			});
		});

		it('needs no ability', async () => {
			const res = await call(sandbox.url, 'GET', SUPPORT_PATHS.me, {
				token: READ_ONLY_SUPPORT_TOKEN,
			});
			expect(res.status).toBe(200);
		});
	});

	describe('POST ticket', () => {
		it('creates an open ticket with a public id and a conversation, matching the contract schema', async () => {
			const res = await call(sandbox.url, 'POST', SUPPORT_PATHS.tickets, {
				token,
				json: {
					subject: 'Order late',
					priority: 'high',
					customer: { name: 'Shady', email: 'shady@example.com', phone: '+201145803442' },
				},
			});
			expect(res.status).toBe(201);
			const { data } = envelopeSchema(ticketSchema).parse(res.body);
			expect(data).toMatchObject({
				id: 1,
				public_id: 'TCK-000001',
				conversation_id: 1,
				subject: 'Order late',
				status: 'open',
				priority: 'high',
				customer: { name: 'Shady', email: 'shady@example.com', phone: '+201145803442' },
			});
		});

		it('accepts, stores and returns unknown extra fields', async () => {
			const ticket = await createTicket({
				subject: 'x',
				order_ref: 'A-17',
				channel: 'web',
				tags: ['vip'],
			});
			expect(ticket).toMatchObject({ order_ref: 'A-17', channel: 'web', tags: ['vip'] });
			expect(sandbox.tickets()[0]).toMatchObject({ tenant_id: 1, order_ref: 'A-17' });
		});

		it('stores the message as the conversation’s first customer message', async () => {
			const ticket = await createTicket({ subject: 'x', message: 'وين طلبي؟' });
			expect(sandbox.messages(ticket.conversation_id)).toEqual([
				{ id: 1, role: 'customer', message: 'وين طلبي؟', created_at: expect.any(String) },
			]);
		});

		it('keeps Arabic text intact, byte for byte, in the UTF-8 response', async () => {
			const res = await call(sandbox.url, 'POST', SUPPORT_PATHS.tickets, {
				token,
				json: { subject: 'طلبي متأخر' },
			});
			expect(res.text).toContain('"subject":"طلبي متأخر"');
		});

		it('answers 422 with every invalid field, nested ones under dotted keys', async () => {
			const res = await call<{ message: string; errors: Record<string, string[]> }>(
				sandbox.url,
				'POST',
				SUPPORT_PATHS.tickets,
				{
					token,
					json: { priority: 'asap', customer: { email: 'nope', phone: '0114' }, tags: 'vip' },
				},
			);
			expect(res.status).toBe(422);
			expect(res.body).toEqual({
				message: 'The given data was invalid.',
				errors: {
					subject: ['The subject field is required.'],
					priority: ['The selected priority is invalid.'],
					'customer.email': ['The customer.email field must be a valid email address.'],
					'customer.phone': ['The phone must be E.164, such as +201145803442.'],
					tags: ['The tags field must be an array.'],
				},
			});
			expect(sandbox.tickets()).toHaveLength(0);
		});

		it('answers 422 in the assumed status shape when configured so', async () => {
			sandbox.configure({ errorShape: 'status' });
			const res = await call(sandbox.url, 'POST', SUPPORT_PATHS.tickets, {
				token,
				json: { subject: '  ' },
			});
			expect(res.status).toBe(422);
			expect(res.body).toEqual({
				status: { message: 'The given data was invalid.', check: false },
				errors: { subject: ['The subject field is required.'] },
			});
		});

		it('answers 403 naming the missing ability to a token without it, and creates nothing', async () => {
			const res = await call<{ message: string }>(sandbox.url, 'POST', SUPPORT_PATHS.tickets, {
				token: READ_ONLY_SUPPORT_TOKEN,
				json: { subject: 'x' },
			});
			expect(res.status).toBe(403);
			expect(res.body.message).toContain(SUPPORT_ABILITIES.createTicket);
			expect(sandbox.tickets()).toHaveLength(0);
		});
	});

	describe('GET ticket', () => {
		it('returns the tenant’s ticket by public id', async () => {
			const created = await createTicket();
			const res = await call(sandbox.url, 'GET', SUPPORT_PATHS.ticket(created.public_id), {
				token,
			});
			expect(res.status).toBe(200);
			expect(envelopeSchema(ticketSchema).parse(res.body).data).toEqual(created);
		});

		it('answers 404 for another tenant’s ticket', async () => {
			const created = await createTicket();
			const res = await call(sandbox.url, 'GET', SUPPORT_PATHS.ticket(created.public_id), {
				token: OTHER_TENANT_SUPPORT_TOKEN,
			});
			expect(res.status).toBe(404);
		});

		it('answers 404 for an unknown ticket', async () => {
			const res = await call(sandbox.url, 'GET', SUPPORT_PATHS.ticket('TCK-999999'), { token });
			expect(res.status).toBe(404);
		});
	});

	describe('GET tickets (list)', () => {
		it('pages the tenant’s tickets with Laravel meta and full-URL links', async () => {
			for (let index = 0; index < 5; index++) await createTicket({ subject: `t${index}` });
			await createTicket({ subject: 'other tenant' }, OTHER_TENANT_SUPPORT_TOKEN);

			const first = await call<Page<Ticket>>(
				sandbox.url,
				'GET',
				`${SUPPORT_PATHS.tickets}?per_page=2`,
				{ token },
			);
			expect(first.status).toBe(200);
			expect(pageSchema(ticketSchema).safeParse(first.body).success).toBe(true);
			expect(first.body.data.map((ticket) => ticket.subject)).toEqual(['t0', 't1']);
			expect(first.body.meta).toMatchObject({
				current_page: 1,
				last_page: 3,
				per_page: 2,
				total: 5,
				from: 1,
				to: 2,
			});
			expect(first.body.links).toEqual({
				first: `${sandbox.url}${SUPPORT_PATHS.tickets}?per_page=2&page=1`,
				last: `${sandbox.url}${SUPPORT_PATHS.tickets}?per_page=2&page=3`,
				prev: null,
				next: `${sandbox.url}${SUPPORT_PATHS.tickets}?per_page=2&page=2`,
			});

			const last = await call<Page<Ticket>>(sandbox.url, 'GET', first.body.links.last, { token });
			expect(last.body.data.map((ticket) => ticket.subject)).toEqual(['t4']);
			expect(last.body.meta).toMatchObject({ current_page: 3, from: 5, to: 5 });
			expect(last.body.links.next).toBeNull();
			expect(last.body.links.prev).toBe(`${sandbox.url}${SUPPORT_PATHS.tickets}?per_page=2&page=2`);
		});

		it('uses 15 per page by default and caps per_page at 100', async () => {
			const byDefault = await call<Page<Ticket>>(sandbox.url, 'GET', SUPPORT_PATHS.tickets, {
				token,
			});
			expect(byDefault.body.meta.per_page).toBe(15);
			const capped = await call<Page<Ticket>>(
				sandbox.url,
				'GET',
				`${SUPPORT_PATHS.tickets}?per_page=500`,
				{ token },
			);
			expect(capped.body.meta.per_page).toBe(100);
		});

		it('answers an empty page with last_page 1 when the tenant has no tickets', async () => {
			await createTicket();
			const res = await call<Page<Ticket>>(sandbox.url, 'GET', SUPPORT_PATHS.tickets, {
				token: OTHER_TENANT_SUPPORT_TOKEN,
			});
			expect(res.body.data).toEqual([]);
			expect(res.body.meta).toMatchObject({
				current_page: 1,
				last_page: 1,
				total: 0,
				from: null,
				to: null,
			});
		});
	});

	describe('POST Send', () => {
		it('adds a customer message and answers 201 with it', async () => {
			const ticket = await createTicket();
			const res = await call(
				sandbox.url,
				'POST',
				SUPPORT_PATHS.sendMessage(String(ticket.conversation_id)),
				{
					token,
					json: { message: 'أي تحديث؟' },
				},
			);
			expect(res.status).toBe(201);
			expect(envelopeSchema(historyItemSchema).parse(res.body).data).toMatchObject({
				role: 'customer',
				message: 'أي تحديث؟',
			});
		});

		it('makes the agent reply with the deterministic auto-reply', async () => {
			const ticket = await createTicket();
			await call(sandbox.url, 'POST', SUPPORT_PATHS.sendMessage(String(ticket.conversation_id)), {
				token,
				json: { message: 'hello' },
			});
			expect(
				sandbox.messages(ticket.conversation_id).map(({ role, message }) => ({ role, message })),
			).toEqual([
				{ role: 'customer', message: 'hello' },
				{ role: 'agent', message: 'شكراً لتواصلك معنا! وصلتنا رسالتك: "hello"' },
			]);
		});

		it('does not reply when autoReply is off', async () => {
			sandbox.configure({ autoReply: false });
			const ticket = await createTicket();
			await call(sandbox.url, 'POST', SUPPORT_PATHS.sendMessage(String(ticket.conversation_id)), {
				token,
				json: { message: 'hello' },
			});
			expect(sandbox.messages(ticket.conversation_id)).toHaveLength(1);
		});

		it('answers 404 for another tenant’s conversation and stores nothing', async () => {
			const ticket = await createTicket();
			const res = await call(
				sandbox.url,
				'POST',
				SUPPORT_PATHS.sendMessage(String(ticket.conversation_id)),
				{
					token: OTHER_TENANT_SUPPORT_TOKEN,
					json: { message: 'hello' },
				},
			);
			expect(res.status).toBe(404);
			expect(sandbox.messages(ticket.conversation_id)).toHaveLength(0);
		});

		it('answers 422 for an empty message', async () => {
			const ticket = await createTicket();
			const res = await call(
				sandbox.url,
				'POST',
				SUPPORT_PATHS.sendMessage(String(ticket.conversation_id)),
				{ token, json: {} },
			);
			expect(res.status).toBe(422);
			expect(res.body).toEqual({
				message: 'The given data was invalid.',
				errors: { message: ['The message field is required.'] },
			});
		});

		it('answers 403 to a token without the send ability', async () => {
			const ticket = await createTicket();
			const res = await call<{ message: string }>(
				sandbox.url,
				'POST',
				SUPPORT_PATHS.sendMessage(String(ticket.conversation_id)),
				{
					token: READ_ONLY_SUPPORT_TOKEN,
					json: { message: 'hello' },
				},
			);
			expect(res.status).toBe(403);
			expect(res.body.message).toContain(SUPPORT_ABILITIES.sendMessage);
		});
	});

	describe('GET history', () => {
		it('pages the conversation oldest first, with agent replies', async () => {
			const ticket = await createTicket({ subject: 'x', message: 'first' });
			const path = SUPPORT_PATHS.sendMessage(String(ticket.conversation_id));
			await call(sandbox.url, 'POST', path, { token, json: { message: 'second' } });
			await call(sandbox.url, 'POST', path, { token, json: { message: 'third' } });

			const history = SUPPORT_PATHS.history(String(ticket.conversation_id));
			const page1 = await call<Page<HistoryItem>>(sandbox.url, 'GET', `${history}?per_page=3`, {
				token,
			});
			expect(page1.status).toBe(200);
			expect(pageSchema(historyItemSchema).safeParse(page1.body).success).toBe(true);
			expect(page1.body.data.map((item) => `${item.role}:${item.message.slice(0, 6)}`)).toEqual([
				'customer:first',
				'customer:second',
				'agent:شكراً ',
			]);
			expect(page1.body.meta).toMatchObject({ current_page: 1, last_page: 2, total: 5 });
			const page2 = await call<Page<HistoryItem>>(
				sandbox.url,
				'GET',
				`${history}?per_page=3&page=2`,
				{ token },
			);
			expect(page2.body.data.map((item) => item.message.slice(0, 5))).toEqual(['third', 'شكراً']);
		});

		it('answers 404 for another tenant’s conversation', async () => {
			const ticket = await createTicket();
			const res = await call(
				sandbox.url,
				'GET',
				SUPPORT_PATHS.history(String(ticket.conversation_id)),
				{ token: OTHER_TENANT_SUPPORT_TOKEN },
			);
			expect(res.status).toBe(404);
		});
	});
});
