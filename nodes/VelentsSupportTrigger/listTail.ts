/**
 * Reading the newest end of a Support Center list within a poll's request budget. Lists are oldest
 * first [assumed in the contract], so new records are on the last pages: a read starts at the page
 * where the previous read of the same list ended and goes on to the last page.
 */
import { PAGINATION } from '../shared/contract';
import type { VelentsResponse } from '../shared/transport';

/** The requests one poll may still send; every request sent is counted, whatever its answer. */
export class RequestBudget {
	private spentCount = 0;

	constructor(private readonly limit: number) {}

	get spent(): number {
		return this.spentCount;
	}

	get left(): number {
		return this.limit - this.spentCount;
	}

	/** Takes one request from the budget; false when none is left. */
	take(): boolean {
		if (this.left <= 0) return false;
		this.spentCount++;
		return true;
	}
}

export type PageReader<T> = (page: number, perPage: number) => Promise<VelentsResponse<T[]>>;

export interface TailRead<T> {
	/** The records of the pages read, oldest page first. */
	records: T[];
	/** The last page read: where the next read of this list starts. Undefined when nothing was read. */
	page: number | undefined;
}

/**
 * Reads from `fromPage` (undefined: the list was never read, so page 1 tells where the end is and
 * the read jumps there) to the last page. While the pages read do not reach back far enough
 * (`reachesBack`: e.g. they hold no record known from before, as happens when records were deleted
 * and the pages shifted), it reads the page before too. Stops when the budget is spent.
 */
export async function readTail<T>(
	readPage: PageReader<T>,
	fromPage: number | undefined,
	budget: RequestBudget,
	reachesBack: (records: T[]) => boolean,
): Promise<TailRead<T>> {
	const pages = new Map<number, T[]>();
	let lastPage = 1;
	const read = async (page: number): Promise<boolean> => {
		if (!budget.take()) return false;
		const response = await readPage(page, PAGINATION.maxPerPage);
		pages.set(page, response.data);
		lastPage = response.meta?.last_page ?? (response.links?.next ? page + 1 : page);
		return true;
	};
	const inOrder = () => [...pages.keys()].sort((a, b) => a - b);
	const records = () => inOrder().flatMap((page) => pages.get(page) ?? []);

	const start = fromPage ?? 1;
	if (!(await read(start))) return { records: [], page: undefined };
	if (fromPage === undefined && lastPage > start && (await read(lastPage))) {
		// Page 1 only told where the end is; its records are the oldest of the list.
		pages.delete(start);
	}

	let low = Math.min(...pages.keys());
	while (low > 1 && !reachesBack(records()) && (await read(low - 1))) low--;
	let high = Math.max(...pages.keys());
	while (high < lastPage && (await read(high + 1))) high++;
	// A list that shrank (records deleted) ends before the page remembered: next time, start at its end.
	return { records: records(), page: Math.min(high, lastPage) };
}
