/** Ticket → Get Many, with a scripted Velents: pages, Return All and Limit. */
import { type ScriptedAnswer } from '../../helpers/fakeHttp';
import { run, ticket } from '../fixtures';

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
