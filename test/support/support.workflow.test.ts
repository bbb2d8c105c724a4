/**
 * Velents Support inside n8n's real engine (n8n-core), built from dist/, against the sandbox:
 * the reference's typical flow, pagination, pacing under the rate limit, and every error status.
 */
import {
	DEFAULT_SUPPORT_TOKEN,
	OTHER_TENANT_SUPPORT_TOKEN,
	READ_ONLY_SUPPORT_TOKEN,
	startSandbox,
	type Sandbox,
} from '../../tools/sandbox/server';
import { items, linearWorkflow, runFlow, type Step } from '../../tools/harness/workflows';

const SUPPORT = 'n8n-nodes-velents.velentsSupport';

let sandbox: Sandbox;
beforeAll(async () => {
	sandbox = await startSandbox();
});
afterAll(async () => await sandbox.close());
beforeEach(() => sandbox.reset());

const support = (token = DEFAULT_SUPPORT_TOKEN, rateLimitWindowSeconds = 60) => ({
	velentsSupportApi: { token, baseUrl: sandbox.url, rateLimitWindowSeconds },
});

const step = (name: string, parameters: Step['parameters'], onError?: Step['onError']): Step => ({
	name,
	type: SUPPORT,
	parameters,
	onError,
});

const createTicket = (subject: string, additionalFields: Step['parameters'] = {}) =>
	step('Create Ticket', { resource: 'ticket', operation: 'create', subject, additionalFields });

describe('the reference’s typical flow: me → create ticket → send a reply → read the history', () => {
	it('runs end to end, each node feeding the next through expressions', async () => {
		const workflow = linearWorkflow(
			step('Me', { resource: 'account', operation: 'getTokenInfo' }),
			createTicket('=Order {{ $("Start").item.json.order_id }} arrived damaged', {
				message: 'الكرتونة وصلت مكسورة',
				priority: 'high',
				customerName: '={{ $("Start").item.json.name }}',
				customerPhone: '={{ $("Start").item.json.phone }}',
			}),
			step('Send Reply', {
				resource: 'conversation',
				operation: 'sendMessage',
				conversationId: '={{ $json.conversation_id }}',
				message: 'Any news about my order?',
			}),
			step('History', {
				resource: 'conversation',
				operation: 'getHistory',
				conversationId: '={{ $("Create Ticket").item.json.conversation_id }}',
				returnAll: true,
			}),
		);
		const result = await runFlow(
			workflow,
			support(),
			items({ order_id: '1212', name: 'Shady', phone: '+20 114 580 3442' }),
		);

		expect(result.error).toBeUndefined();
		expect(result.outputOf('Me')[0].json).toMatchObject({
			tenant_id: 1,
			abilities: expect.any(Array),
		});
		const [ticket] = sandbox.tickets();
		expect(ticket).toMatchObject({
			subject: 'Order 1212 arrived damaged',
			priority: 'high',
			customer: { name: 'Shady', phone: '+201145803442' },
		});
		expect(result.outputOf('Create Ticket')[0].json).toMatchObject({
			public_id: ticket.public_id,
			conversation_id: ticket.conversation_id,
		});
		const history = result.outputOf('History').map((item) => item.json);
		expect(history.map((message) => [message.role, message.message])).toEqual([
			['customer', 'الكرتونة وصلت مكسورة'],
			['customer', 'Any news about my order?'],
			['agent', expect.stringContaining('Any news about my order?')],
		]);
		expect(
			result.outputOf('History').every((item) => (item.pairedItem as { item: number }).item === 0),
		).toBe(true);
	});
});

describe('lists', () => {
	it('Get Many with Return All reads every page; Limit stops early', async () => {
		sandbox.configure({ rateLimit: { limit: 1000 } });
		const many = items(...Array.from({ length: 230 }, (_, index) => ({ index })));
		await runFlow(linearWorkflow(createTicket('={{ "Case " + $json.index }}')), support(), many);
		expect(sandbox.tickets()).toHaveLength(230);

		const all = await runFlow(
			linearWorkflow(step('List', { resource: 'ticket', operation: 'getAll', returnAll: true })),
			support(),
		);
		expect(all.outputOf('List')).toHaveLength(230);
		expect(sandbox.requests({ method: 'GET', path: '/Company/Support/Tickets' })).toHaveLength(3);

		const some = await runFlow(
			linearWorkflow(
				step('List', { resource: 'ticket', operation: 'getAll', returnAll: false, limit: 5 }),
			),
			support(),
		);
		expect(some.outputOf('List')).toHaveLength(5);
	});

	it('Get reads one ticket by its public_id', async () => {
		const created = await runFlow(linearWorkflow(createTicket('Lost parcel')), support());
		const publicId = created.outputOf('Create Ticket')[0].json.public_id as string;
		const read = await runFlow(
			linearWorkflow(
				step('Get', {
					resource: 'ticket',
					operation: 'get',
					ticketId: { __rl: true, mode: 'id', value: publicId },
				}),
			),
			support(),
		);
		expect(read.outputOf('Get')[0].json).toMatchObject({
			public_id: publicId,
			subject: 'Lost parcel',
			status: 'open',
		});
	});
});

describe('the rate limit never fails a workflow', () => {
	it('150 ticket creations through a limit of 30 per window: all created exactly once, no item failed', async () => {
		// A one-minute window lasting one real second.
		sandbox.configure({ rateLimit: { limit: 30, windowSeconds: 60 }, timeScale: 60 });
		const started = Date.now();
		const result = await runFlow(
			linearWorkflow(createTicket('={{ "Reminder " + $json.index }}')),
			support(DEFAULT_SUPPORT_TOKEN, 1),
			items(...Array.from({ length: 150 }, (_, index) => ({ index }))),
		);
		const elapsedMs = Date.now() - started;

		expect(result.error).toBeUndefined();
		const output = result.outputOf('Create Ticket');
		expect(output).toHaveLength(150);
		expect(output.filter((item) => item.json.error)).toHaveLength(0);
		const subjects = sandbox.tickets().map((ticket) => ticket.subject);
		expect(new Set(subjects).size).toBe(150);
		expect(subjects).toHaveLength(150);

		const creations = sandbox.requests({ method: 'POST', path: '/Company/Support/Tickets' });
		const limited = creations.filter((request) => request.status === 429).length;
		// 150 at 30 per window need 5 windows: at least 4 full windows of waiting.
		const theoreticalMinimumMs = 4 * 1000;
		expect(elapsedMs).toBeGreaterThanOrEqual(theoreticalMinimumMs);
		expect(limited).toBe(0);
		console.log(
			`150 tickets at 30/window (1 s): ${elapsedMs} ms, theoretical minimum ${theoreticalMinimumMs} ms ` +
				`(${(elapsedMs / theoreticalMinimumMs).toFixed(2)}x), 429s received: ${limited}`,
		);
	});

	it('a 429 from a budget spent elsewhere is waited out and the ticket is created once', async () => {
		sandbox.configure({ rateLimit: { limit: 2, windowSeconds: 60 }, timeScale: 60 });
		// Another client of the same token spends the window first.
		for (let call = 0; call < 2; call++) {
			await fetch(`${sandbox.url}/Company/TenantAuth/me`, {
				headers: { authorization: `Bearer ${DEFAULT_SUPPORT_TOKEN}` },
			});
		}
		const result = await runFlow(
			linearWorkflow(createTicket('After the limit')),
			support(DEFAULT_SUPPORT_TOKEN, 1),
		);
		expect(result.error).toBeUndefined();
		const creations = sandbox.requests({ method: 'POST', path: '/Company/Support/Tickets' });
		expect(creations.map((request) => request.status)).toEqual([429, 201]);
		expect(sandbox.tickets().map((ticket) => ticket.subject)).toEqual(['After the limit']);
	});
});

describe('errors tell the user what to fix', () => {
	it('401: a wrong token names the credential', async () => {
		const result = await runFlow(
			linearWorkflow(step('Me', { resource: 'account', operation: 'getTokenInfo' })),
			support('Wrong_1_PersonalAccessToken_nope'),
		);
		expect(result.error?.message).toBe(
			'Velents rejected the token of the "Velents Support API" credential (401)',
		);
	});

	it('403: a token without the ability names the operation', async () => {
		const result = await runFlow(
			linearWorkflow(createTicket('Needs an ability')),
			support(READ_ONLY_SUPPORT_TOKEN),
		);
		expect(result.error?.message).toBe(
			'The token of the "Velents Support API" credential may not create a ticket (403)',
		);
		expect(sandbox.tickets()).toHaveLength(0);
	});

	it('404: another tenant’s ticket is not found, and the message names it', async () => {
		const created = await runFlow(linearWorkflow(createTicket('Tenant 1 only')), support());
		const publicId = created.outputOf('Create Ticket')[0].json.public_id as string;
		const result = await runFlow(
			linearWorkflow(
				step('Get', {
					resource: 'ticket',
					operation: 'get',
					ticketId: { __rl: true, mode: 'id', value: publicId },
				}),
			),
			support(OTHER_TENANT_SUPPORT_TOKEN),
		);
		expect(result.error?.message).toBe(`Ticket "${publicId}" was not found (404)`);
	});

	it('422: every field error of the server is listed', async () => {
		const result = await runFlow(
			linearWorkflow(
				createTicket('Bad extras', {
					extraFields: '{"priority": "whenever", "tags": "not-a-list"}',
				}),
			),
			support(),
		);
		expect(result.error?.message).toMatch(
			/^Velents rejected the data to create a ticket \(422\): /,
		);
		expect(result.error?.message).toContain('priority');
		expect(result.error?.message).toContain('tags');
	});

	it('5xx on a create: sent once, never repeated, and the message says so', async () => {
		sandbox.injectFault({
			count: 1,
			status: 503,
			method: 'POST',
			path: '/Company/Support/Tickets',
			afterProcessing: true,
		});
		const result = await runFlow(linearWorkflow(createTicket('Maybe created')), support());
		expect(result.error?.message).toBe(
			'Velents failed (503) while trying to create a ticket; it was not repeated',
		);
		expect(sandbox.requests({ method: 'POST', path: '/Company/Support/Tickets' })).toHaveLength(1);
		expect(sandbox.tickets()).toHaveLength(1);
	});

	it('5xx on a read: retried, and the read succeeds', async () => {
		sandbox.injectFault({ count: 1, status: 502, method: 'GET', path: '/Company/TenantAuth/me' });
		const result = await runFlow(
			linearWorkflow(step('Me', { resource: 'account', operation: 'getTokenInfo' })),
			support(),
		);
		expect(result.error).toBeUndefined();
		expect(sandbox.requests({ method: 'GET', path: '/Company/TenantAuth/me' })).toHaveLength(2);
	});
});

describe('Continue On Fail', () => {
	it('good and bad items mixed: bad ones become error items, the others are created, order and pairing kept', async () => {
		const result = await runFlow(
			linearWorkflow({
				...createTicket('={{ $json.subject }}', { customerEmail: '={{ $json.email }}' }),
				onError: 'continueRegularOutput',
			}),
			support(),
			items(
				{ subject: 'Good one', email: 'a@example.com' },
				{ subject: '', email: 'b@example.com' },
				{ subject: 'Bad e-mail', email: 'not-an-email' },
				{ subject: 'Good two', email: 'd@example.com' },
			),
		);
		const output = result.outputOf('Create Ticket');
		expect(output.map((item) => item.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 1 },
			{ item: 2 },
			{ item: 3 },
		]);
		expect(output.map((item) => (item.json.error ? 'error' : item.json.subject))).toEqual([
			'Good one',
			'error',
			'error',
			'Good two',
		]);
		expect(output[1].json.error).toBe('Item 1: Subject is required and is empty');
		expect(output[2].json.error).toContain('Item 2: Additional Fields > Customer Email');
		expect(sandbox.tickets().map((ticket) => ticket.subject)).toEqual(['Good one', 'Good two']);
	});
});
