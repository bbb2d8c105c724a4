import type { VelentsResponse } from '../../nodes/shared/transport';
import { readTail, RequestBudget } from '../../nodes/VelentsSupportTrigger/listTail';

/** A list of `total` numbers, oldest first, served `perPage` at a time; records which pages were asked for. */
function list(total: number, perPage = 100) {
	const asked: number[] = [];
	const read = async (page: number): Promise<VelentsResponse<number[]>> => {
		asked.push(page);
		const lastPage = Math.max(1, Math.ceil(total / perPage));
		const records = Array.from({ length: total }, (_, index) => index + 1).slice(
			(page - 1) * perPage,
			page * perPage,
		);
		return {
			data: records,
			meta: { current_page: page, last_page: lastPage, per_page: perPage, total },
		};
	};
	return { read, asked };
}
const always = () => true;

describe('reading the newest end of an oldest-first list within a budget', () => {
	it('reads a one-page list with one request', async () => {
		const { read, asked } = list(40);
		const budget = new RequestBudget(10);
		expect(await readTail(read, undefined, budget, always)).toEqual({
			records: Array.from({ length: 40 }, (_, index) => index + 1),
			page: 1,
		});
		expect(asked).toEqual([1]);
		expect(budget.spent).toBe(1);
	});

	it('first read of a long list: page 1 tells where the end is, the last page is read', async () => {
		const { read, asked } = list(250);
		const tail = await readTail(read, undefined, new RequestBudget(10), always);
		expect(asked).toEqual([1, 3]);
		expect(tail.records[0]).toBe(201);
		expect(tail.page).toBe(3);
	});

	it('later reads start where the last ended and go on to the end', async () => {
		const { read, asked } = list(450);
		const tail = await readTail(read, 3, new RequestBudget(10), always);
		expect(asked).toEqual([3, 4, 5]);
		expect(tail.page).toBe(5);
	});

	it('reads the page before while the pages read do not reach back far enough', async () => {
		const { read, asked } = list(450);
		await readTail(read, 4, new RequestBudget(10), (records) => records.includes(250));
		expect(asked).toEqual([4, 3, 5]);
	});

	it('stops when the budget is spent, and says where it stopped', async () => {
		const { read, asked } = list(900);
		const budget = new RequestBudget(2);
		const tail = await readTail(read, 3, budget, always);
		expect(asked).toEqual([3, 4]);
		expect(tail.page).toBe(4);
		expect(budget.left).toBe(0);
		expect(await readTail(read, 5, budget, always)).toEqual({ records: [], page: undefined });
	});

	it('a list that shrank below the page remembered: reads back to its end, and remembers that', async () => {
		const { read, asked } = list(150);
		const tail = await readTail(read, 4, new RequestBudget(10), (records) => records.length > 0);
		expect(asked).toEqual([4, 3, 2]);
		expect(tail.page).toBe(2);
		expect(tail.records[0]).toBe(101);
	});
});
