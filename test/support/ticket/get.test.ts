/** Ticket → Get, with a scripted Velents. */
import { VelentsSupport } from '../../../nodes/VelentsSupport/VelentsSupport.node';
import { fakeContext } from '../../helpers/fakeHttp';
import { failure, run, ticket } from '../fixtures';

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
