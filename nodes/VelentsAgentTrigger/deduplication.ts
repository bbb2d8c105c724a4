/**
 * Velents may deliver the same event twice, and sends no event id. A redelivery is the same request
 * body again, byte for byte: the trigger remembers a digest of the body of every event it accepted
 * (per workflow and trigger node) for one window, and answers a byte-identical body within that
 * window without starting the workflow. The whole body counts, so two events that differ in anything
 * Velents sends (a phone, an id beyond 2^53, a history entry, a field merged from the dispatch) are
 * two events. Two real events CAN be byte-identical: the same text sent twice within one second
 * (timestamps are whole seconds) in one conversation, when nothing else in the event differs. For
 * agents where that matters, the trigger's "Ignore Repeated Deliveries" option turns the check off.
 *
 * Memory: one process-wide store for every trigger node, so neither the number of trigger nodes nor
 * another trigger's traffic evicts a node's events before the window ends; only the total does
 * (DELIVERY_LIMITS). A key is 16 bytes of SHA-256 held as a 16-character string, its value the second
 * it was recorded; `npm run bench -- --only trigger` measures the bytes per remembered event.
 *
 * The check and the record are one synchronous step, so two concurrent deliveries cannot both pass.
 * Across processes: the check runs where n8n receives production webhooks, before an execution is
 * created. In queue mode that is the webhook processor (with `N8N_DISABLE_PRODUCTION_MAIN_PROCESS`,
 * only it), so workers never see a repeat, however many there are; with ONE webhook processor every
 * repeat is recognised (`npm run scale-test` measures it). A repeat that reaches another process
 * (several webhook processors, multi-main, a restart in between) is not. n8n 2.41 offers a trigger
 * nothing shared that would hold: its deduplication helpers are not available in `webhook()`, and
 * both they and the workflow's static data are a read-modify-write of one database row without a
 * lock, so two processes can both accept the same key, or overwrite each other's.
 */
import { createHash } from 'crypto';

export interface DeliveryLimits {
	/** How long an accepted event is remembered. */
	windowSeconds: number;
	/** Events remembered at once in this process, all trigger nodes together; the oldest go first. */
	capacity: number;
}

/**
 * One hour, and room for 10,000 conversations × 50 events each within it (a WhatsApp campaign's
 * onStarted, onMessage per exchange, onUpdate per extraction, onEnded).
 */
export const DELIVERY_LIMITS: DeliveryLimits = { windowSeconds: 60 * 60, capacity: 500_000 };

/** Bytes of the SHA-256 kept: 128 bits, so that a false repeat among 500,000 keys is beyond reach. */
const KEY_BYTES = 16;

/**
 * The identity of a delivery to one trigger node (`scope`): the body's bytes as they arrived. The
 * digest is taken over the bytes in one pass, whatever the nesting of the JSON inside.
 */
export function deliveryKey(scope: string, body: Buffer): string {
	return createHash('sha256')
		.update(scope)
		.update('\u0000')
		.update(body)
		.digest()
		.toString('latin1', 0, KEY_BYTES);
}

/** The deliveries accepted within the window, by key, in the order they were accepted. */
export class DeliveryMemory {
	/** Key → the second it was recorded, counted from `origin` (a small integer costs no memory of its own). */
	private readonly recordedAt = new Map<string, number>();
	private origin: number | undefined;

	constructor(readonly limits: DeliveryLimits = DELIVERY_LIMITS) {}

	get size(): number {
		return this.recordedAt.size;
	}

	/** Whether this key was accepted within the window; records it if not. One synchronous step. */
	isDuplicate(key: string, now: number = Date.now()): boolean {
		this.origin ??= now;
		const second = Math.floor((now - this.origin) / 1000);
		this.forgetBefore(second - this.limits.windowSeconds);
		if (this.recordedAt.has(key)) return true;
		this.recordedAt.set(key, second);
		if (this.recordedAt.size > this.limits.capacity)
			this.recordedAt.delete(this.recordedAt.keys().next().value as string);
		return false;
	}

	/** Forgets a delivery that was not taken after all, so that its redelivery is accepted. */
	forget(key: string): void {
		this.recordedAt.delete(key);
	}

	/** Keys are recorded in time order, so the expired ones are at the front. */
	private forgetBefore(oldestKept: number): void {
		for (const [key, second] of this.recordedAt) {
			if (second > oldestKept) return;
			this.recordedAt.delete(key);
		}
	}
}

/** This process's memory of accepted deliveries. */
export const deliveries = new DeliveryMemory();

/** The part of n8n's (express) response watched here: how n8n's own answer ended. */
interface SettledResponse {
	statusCode: number;
	writableFinished: boolean;
	once(event: 'close', listener: () => void): unknown;
}

/**
 * Forgets the delivery when n8n's answer is not a success that reached the caller (n8n could not
 * save, queue or resume the execution, or the connection broke): a redelivery must then run, not be
 * dropped as a duplicate.
 */
export function forgetUnlessTaken(response: SettledResponse, key: string): void {
	response.once('close', () => {
		const taken = response.writableFinished && response.statusCode < 300;
		if (!taken) deliveries.forget(key);
	});
}
