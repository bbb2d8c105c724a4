import type { Placed } from '../../nodes/VelentsSupportTrigger/cursor';
import {
	advance,
	isKnown,
	OVERLAP_MS,
	startCursor,
} from '../../nodes/VelentsSupportTrigger/cursor';

const T0 = Date.parse('2026-06-07T10:00:00Z');
const at = (key: string, seconds: number): Placed<string> => ({
	record: key,
	key,
	createdAt: T0 + seconds * 1000,
});
const keys = (entries: Array<Placed<string>>) => entries.map((entry) => entry.key);

describe('the cursor rule: new = created at or after the floor, and not seen', () => {
	it('never reports a record created before the trigger started', () => {
		const { fresh } = advance(startCursor(T0), [at('old', -1), at('new', 0), at('newer', 5)]);
		expect(keys(fresh)).toEqual(['new', 'newer']);
	});

	it('reports each record once across reads, however often it is read again', () => {
		let cursor = startCursor(T0);
		const reported: string[] = [];
		const reads = [[at('a', 1)], [at('a', 1), at('b', 2)], [at('a', 1), at('b', 2), at('c', 2)]];
		for (const records of reads) {
			const next = advance(cursor, records);
			reported.push(...keys(next.fresh));
			cursor = next.cursor;
		}
		expect(reported).toEqual(['a', 'b', 'c']);
	});

	it('tells apart records of the same second by their keys', () => {
		const first = advance(startCursor(T0), [at('a', 3)]);
		expect(keys(advance(first.cursor, [at('a', 3), at('b', 3)]).fresh)).toEqual(['b']);
	});

	it('catches a record that became visible late, created before one already reported', () => {
		const first = advance(startCursor(T0), [at('a', 60), at('c', 120)]);
		expect(keys(advance(first.cursor, [at('a', 60), at('b', 90), at('c', 120)]).fresh)).toEqual([
			'b',
		]);
	});

	it('counts a key read twice in one read once', () => {
		expect(keys(advance(startCursor(T0), [at('a', 1), at('a', 1)]).fresh)).toEqual(['a']);
	});

	it('keeps only the keys within the overlap below the newest record, and raises the floor', () => {
		const { cursor } = advance(startCursor(T0), [at('early', 1), at('late', 1 + 600)]);
		expect(cursor.floor).toBe(T0 + 601_000 - OVERLAP_MS);
		expect(Object.keys(cursor.seen)).toEqual(['late']);
		// The record forgotten is below the floor: still not reported again.
		expect(advance(cursor, [at('early', 1), at('late', 601)]).fresh).toEqual([]);
	});

	it('leaves the floor where it is when nothing was read', () => {
		expect(advance(startCursor(T0), []).cursor).toEqual(startCursor(T0));
	});

	it('knows a record when it is older than the floor or seen', () => {
		const { cursor } = advance(startCursor(T0), [at('a', 1)]);
		expect(isKnown(cursor, at('a', 1))).toBe(true);
		expect(isKnown(cursor, at('old', -1))).toBe(true);
		expect(isKnown(cursor, at('b', 1))).toBe(false);
	});
});
