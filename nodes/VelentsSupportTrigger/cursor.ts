/**
 * Which records of a list are new: the trigger's cursor rule, as pure functions.
 *
 * A record is identified by its key (a ticket's `public_id`, a message's `id`) and placed in time
 * by its `created_at`. A list's cursor holds a floor and the keys seen at or above it:
 * - a record is new when it was created at or after the floor and its key was not seen;
 * - the floor starts at the moment the trigger first polled, so nothing older is ever emitted;
 * - afterwards it follows the newest `created_at` seen, minus an overlap: a record that becomes
 *   visible late (created a little earlier than one already seen, committed after the read) is
 *   still caught, and its key tells it from those already emitted.
 * Both ids and times are needed: times alone cannot tell apart two records of the same second,
 * ids alone need every id ever seen (the history of the tenant) or ids that grow, which the API
 * does not promise.
 */

/** How far below the newest record seen the cursor still looks for records that came late. */
export const OVERLAP_MS = 5 * 60_000;

export interface StreamCursor {
	/** Records created before this moment (epoch ms) are old. */
	floor: number;
	/** Keys of the records seen that were created at or after `floor`, with their `created_at`. */
	seen: Record<string, number>;
}

/** A record with what the cursor needs of it. */
export interface Placed<T> {
	record: T;
	key: string;
	createdAt: number;
}

/** The cursor of a list first read now: records created before `since` are old. */
export function startCursor(since: number): StreamCursor {
	return { floor: since, seen: {} };
}

/**
 * The records not reported before (in the order given; a key read twice counts once), and the
 * cursor that remembers them. Records read are all remembered, new or not.
 */
export function advance<T>(
	cursor: StreamCursor,
	records: ReadonlyArray<Placed<T>>,
): { fresh: Array<Placed<T>>; cursor: StreamCursor } {
	const seen: Record<string, number> = { ...cursor.seen };
	const fresh: Array<Placed<T>> = [];
	for (const placed of records) {
		if (placed.createdAt < cursor.floor || Object.hasOwn(seen, placed.key)) continue;
		seen[placed.key] = placed.createdAt;
		fresh.push(placed);
	}
	const newest = Math.max(cursor.floor, ...Object.values(seen));
	const floor = Math.max(cursor.floor, newest - OVERLAP_MS);
	const kept = Object.fromEntries(Object.entries(seen).filter(([, time]) => time >= floor));
	return { fresh, cursor: { floor, seen: kept } };
}

/** Whether a record is already accounted for: older than the floor, or seen. */
export function isKnown(cursor: StreamCursor, placed: Placed<unknown>): boolean {
	return placed.createdAt < cursor.floor || Object.hasOwn(cursor.seen, placed.key);
}
