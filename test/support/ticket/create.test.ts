/** Ticket → Create, with a scripted Velents: what it sends, what it outputs, and how it treats bad input before anything is sent. */
import type { IDataObject } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { VelentsSupport } from '../../../nodes/VelentsSupport/VelentsSupport.node';
import { fakeContext } from '../../helpers/fakeHttp';
import { failure, run, ticket } from '../fixtures';

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
			'Item 0: Additional Fields > Customer Email "shady-at-example" is not an e-mail address',
		],
		[
			'a malformed phone',
			create({ customerPhone: '12345' }),
			'Item 0: Additional Fields > Customer Phone "12345" is not a phone number',
		],
		[
			'metadata that is not a JSON object',
			create({ metadata: '[1, 2]' }),
			'Item 0: Additional Fields > Metadata (JSON) must be a JSON object',
		],
		[
			'metadata that is not JSON',
			create({ metadata: '{order' }),
			'Item 0: Additional Fields > Metadata (JSON) is not valid JSON',
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
