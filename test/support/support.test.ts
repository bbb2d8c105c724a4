/**
 * Velents Support, operation by operation, with a scripted Velents: what each operation sends,
 * what it outputs, and how it treats bad input before anything is sent.
 */
import type { IDataObject } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { VelentsSupport } from '../../nodes/VelentsSupport/VelentsSupport.node';
import { fakeContext, type FakeContextOptions, type ScriptedAnswer } from '../helpers/fakeHttp';

const ticket = {
	id: 1,
	subject: 'Order 1212 arrived damaged',
	status: 'open',
	priority: 'high',
	customer: { name: 'Shady', email: 'shady@example.com', phone: '+201145803442' },
	created_at: '2025-11-13 23:24:50',
	updated_at: '2025-11-13 23:24:50',
	public_id: 'TCK-000001',
	conversation_id: 41,
};

let server = 0;
async function run(answers: ScriptedAnswer[], options: FakeContextOptions) {
	const fake = fakeContext(answers, {
		...options,
		credentials: { baseUrl: `http://support-${++server}.test`, ...options.credentials },
	});
	const output = await new VelentsSupport().execute.call(fake.context);
	return { ...fake, items: output[0] };
}

async function failure(promise: Promise<unknown>): Promise<Error> {
	const error = await promise.then(
		() => undefined,
		(thrown: unknown) => thrown,
	);
	expect(error).toBeInstanceOf(Error);
	return error as Error;
}

describe('Account → Get Token Info', () => {
	it('reads /Company/TenantAuth/me and outputs tenant id, token name and abilities', async () => {
		const me = { tenant_id: 1, token_name: 'crm', abilities: ['support.tickets.create'] };
		const { items, sent } = await run([{ statusCode: 200, body: { data: me } }], {
			parameters: { resource: 'account', operation: 'getTokenInfo' },
		});
		expect(sent[0]).toMatchObject({ method: 'GET', url: '/Company/TenantAuth/me' });
		expect(items).toEqual([{ json: me, pairedItem: { item: 0 } }]);
	});
});

describe('Ticket → Create', () => {
	const create = (additionalFields: IDataObject, subject = 'Order 1212 arrived damaged') => ({
		parameters: { resource: 'ticket', operation: 'create', subject, additionalFields },
	});

	it('sends every field in the contract’s shape, with the phone normalised and tags split', async () => {
		const { sent } = await run(
			[{ statusCode: 201, body: { data: ticket } }],
			create({
				message: 'The box was crushed',
				priority: 'high',
				customerName: 'Shady',
				customerEmail: 'shady@example.com',
				customerPhone: '00 20 114-580-3442',
				tags: 'delivery, vip,',
				metadata: '{"order_id": "1212"}',
				channel: 'email',
			}),
		);
		expect(sent[0]).toMatchObject({ method: 'POST', url: '/Company/Support/Tickets' });
		expect(sent[0].body).toEqual({
			subject: 'Order 1212 arrived damaged',
			message: 'The box was crushed',
			priority: 'high',
			channel: 'email',
			customer: { name: 'Shady', email: 'shady@example.com', phone: '+201145803442' },
			tags: ['delivery', 'vip'],
			metadata: { order_id: '1212' },
		});
	});

	it('passes extra body fields the contract does not know yet, without letting them replace the subject', async () => {
		const { sent } = await run(
			[{ statusCode: 201, body: { data: ticket } }],
			create({ extraFields: { department: 'logistics', subject: 'ignored' } }),
		);
		expect(sent[0].body).toEqual({
			department: 'logistics',
			subject: 'Order 1212 arrived damaged',
		});
	});

	it('outputs public_id and conversation_id first, for expressions in the next node', async () => {
		const { items } = await run([{ statusCode: 201, body: { data: ticket } }], create({}));
		expect(Object.keys(items[0].json).slice(0, 2)).toEqual(['public_id', 'conversation_id']);
		expect(items[0].json).toEqual(ticket);
	});

	it.each([
		['an empty subject', create({}, '   '), 'Item 0: Subject is required and is empty'],
		[
			'a malformed e-mail',
			create({ customerEmail: 'shady-at-example' }),
			'Item 0: Customer Email "shady-at-example" is not an e-mail address',
		],
		[
			'a malformed phone',
			create({ customerPhone: '12345' }),
			'Item 0: Customer Phone "12345" is not a phone number',
		],
		[
			'metadata that is not a JSON object',
			create({ metadata: '[1, 2]' }),
			'Item 0: Metadata (JSON) must be a JSON object',
		],
		[
			'metadata that is not JSON',
			create({ metadata: '{order' }),
			'Item 0: Metadata (JSON) is not valid JSON',
		],
	])(
		'rejects %s before sending anything, naming the item and the field',
		async (_case, options, message) => {
			const fake = fakeContext([], options);
			const error = await failure(new VelentsSupport().execute.call(fake.context));
			expect(error).toBeInstanceOf(NodeOperationError);
			expect(error.message).toContain(message);
			expect(fake.sent).toHaveLength(0);
		},
	);

	it('with Continue On Fail, a bad item becomes an error item and the others are created, in order', async () => {
		const { items, sent } = await run(
			[
				{ statusCode: 201, body: { data: { ...ticket, public_id: 'TCK-A' } } },
				{ statusCode: 201, body: { data: { ...ticket, public_id: 'TCK-C' } } },
			],
			{
				items: 3,
				continueOnFail: true,
				parameters: {
					resource: 'ticket',
					operation: 'create',
					subject: 'Case',
					additionalFields: {},
				},
				itemParameters: [{}, { subject: '' }, {}],
			},
		);
		expect(sent).toHaveLength(2);
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(items.map((item) => item.json.public_id ?? item.json.error)).toEqual([
			'TCK-A',
			'Item 1: Subject is required and is empty',
			'TCK-C',
		]);
	});

	it('without Continue On Fail, the first failing item stops the run and is named', async () => {
		const fake = fakeContext([{ statusCode: 201, body: { data: ticket } }], {
			items: 2,
			parameters: {
				resource: 'ticket',
				operation: 'create',
				subject: 'Case',
				additionalFields: {},
			},
			itemParameters: [{}, { subject: '' }],
		});
		const error = (await failure(
			new VelentsSupport().execute.call(fake.context),
		)) as NodeOperationError;
		expect(error.context.itemIndex).toBe(1);
	});
});

describe('Ticket → Get', () => {
	it('reads the ticket by its public_id, escaping it in the path', async () => {
		const { items, sent } = await run([{ statusCode: 200, body: { data: ticket } }], {
			parameters: { resource: 'ticket', operation: 'get', ticketId: 'TCK 1/2' },
		});
		expect(sent[0].url).toBe('/Company/Support/Tickets/TCK%201%2F2');
		expect(items[0].json).toEqual(ticket);
	});

	it('a 404 says which ticket was not found', async () => {
		const fake = fakeContext([{ statusCode: 404, body: { message: 'Not found.' } }], {
			credentials: { baseUrl: 'http://support-404.test' },
			parameters: { resource: 'ticket', operation: 'get', ticketId: 'TCK-404' },
		});
		const error = await failure(new VelentsSupport().execute.call(fake.context));
		expect(error.message).toBe('Ticket "TCK-404" was not found (404)');
	});
});

describe('Ticket → Get Many', () => {
	const page = (current: number, last: number, ids: string[]): ScriptedAnswer => ({
		statusCode: 200,
		body: {
			data: ids.map((public_id) => ({ ...ticket, public_id })),
			meta: { current_page: current, last_page: last, per_page: 100, total: 3 },
		},
	});

	it('Return All outputs one item per ticket across pages, each paired with the input item', async () => {
		const { items } = await run([page(1, 2, ['A', 'B']), page(2, 2, ['C'])], {
			parameters: { resource: 'ticket', operation: 'getAll', returnAll: true },
		});
		expect(items.map((item) => item.json.public_id)).toEqual(['A', 'B', 'C']);
		expect(items.every((item) => (item.pairedItem as { item: number }).item === 0)).toBe(true);
	});

	it('Limit returns at most that many tickets', async () => {
		const { items, sent } = await run([page(1, 2, ['A', 'B'])], {
			parameters: { resource: 'ticket', operation: 'getAll', returnAll: false, limit: 2 },
		});
		expect(items).toHaveLength(2);
		expect(sent[0].qs).toEqual({ page: 1, per_page: 2 });
	});
});

describe('Conversation → Send Message', () => {
	it('posts the message into the conversation and outputs the created message', async () => {
		const message = {
			id: 9,
			role: 'customer',
			message: 'وصلت الطلبية؟',
			created_at: '2025-11-13 23:30:00',
		};
		const { items, sent } = await run([{ statusCode: 201, body: { data: message } }], {
			parameters: {
				resource: 'conversation',
				operation: 'sendMessage',
				conversationId: '41',
				message: 'وصلت الطلبية؟',
			},
		});
		expect(sent[0]).toMatchObject({
			method: 'POST',
			url: '/Company/Conversation/41/Send',
			body: { message: 'وصلت الطلبية؟' },
		});
		expect(items[0].json).toEqual({ conversation_id: '41', ...message });
	});

	it('rejects a missing conversation id before sending', async () => {
		const fake = fakeContext([], {
			parameters: {
				resource: 'conversation',
				operation: 'sendMessage',
				conversationId: '',
				message: 'hi',
			},
		});
		const error = await failure(new VelentsSupport().execute.call(fake.context));
		expect(error.message).toBe('Item 0: Conversation ID is required and is empty');
		expect(fake.sent).toHaveLength(0);
	});
});

describe('Conversation → Get History', () => {
	it('outputs one item per message, oldest first, whatever order the server used', async () => {
		const history = [
			{ id: 3, role: 'agent', message: 'حياك يا Shady!', created_at: '2025-11-13 23:25:48' },
			{
				id: 1,
				role: 'agent',
				message: 'مرحبا! أنا مساعد acme...',
				created_at: '2025-11-13 23:24:50',
			},
			{ id: 2, role: 'customer', message: 'my name is shady', created_at: '2025-11-13 23:25:10' },
		];
		const { items, sent } = await run([{ statusCode: 200, body: { data: history } }], {
			parameters: {
				resource: 'conversation',
				operation: 'getHistory',
				conversationId: '41',
				returnAll: true,
			},
		});
		expect(sent[0].url).toBe('/Company/Conversation/41/history');
		expect(items.map((item) => item.json.id)).toEqual([1, 2, 3]);
		expect(items[0].json).toMatchObject({
			conversation_id: '41',
			message: 'مرحبا! أنا مساعد acme...',
		});
	});
});

describe('the node as an AI tool', () => {
	it('is usable as a tool and every operation says what it does', () => {
		const { description } = new VelentsSupport();
		expect(description.usableAsTool).toBe(true);
		const operations = description.properties
			.filter((property) => property.name === 'operation')
			.flatMap((property) => property.options ?? []);
		expect(operations).toHaveLength(6);
		for (const operation of operations)
			expect(operation).toMatchObject({ description: expect.stringMatching(/\w{4,}/) });
	});
});
