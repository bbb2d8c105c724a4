/**
 * Velents may deliver the same event twice. The trigger starts one execution per event: it keeps the
 * keys of the events it accepted recently, per workflow and node, in bounded memory, and checks and
 * records a key in one synchronous step (no two requests can both pass).
 *
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

import type { EventPayload } from './payload';
import { agentOf, resultOf, subjectOf } from './payload';

/**
 * The identity of an event: its type and `about`, the agent, the conversation's (or call's) id and a
 * SHA-256 of its canonical `result` (message with its timestamp, extraction or goals, history,
 * recording). A repeated delivery has all of these equal; two different events differ in at least
 * one. Top-level fields merged from the dispatch (`webhook.body`) are the same for every event of a
 * conversation and are left out.
 */
export function eventKey(payload: EventPayload, type: string, about: string): string {
	const agent = agentOf(payload);
	const subjectId = subjectOf(payload)?.id;
	const identity = {
		type,
		about,
		agent: agent === null ? null : [agent.id, agent.public],
		subject: subjectId === undefined ? null : subjectId,
		result: resultOf(payload),
	};
	return createHash('sha256').update(canonicalJson(identity)).digest('hex');
}

/** JSON with object keys sorted, so that key order does not change the key. */
export function canonicalJson(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
	if (typeof value === 'object' && value !== null) {
		const entries = Object.entries(value)
			.filter(([, entry]) => entry !== undefined)
			.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
		return `{${entries.map(([key, entry]) => `${JSON.stringify(key)}:${canonicalJson(entry)}`).join(',')}}`;
	}
	return JSON.stringify(value) ?? 'null';
}

/** Keys seen within the last `ttlMs`, at most `capacity` of them (least recently seen dropped first). */
export class RecentKeys {
	private readonly expiries = new Map<string, number>();

	constructor(
		readonly capacity: number,
		readonly ttlMs: number,
	) {}

	get size(): number {
		return this.expiries.size;
	}

	/** Whether `key` was recorded within the TTL; records it if not. One synchronous step, so no race. */
	seenBefore(key: string, now: number): boolean {
		const expiresAt = this.expiries.get(key);
		if (expiresAt !== undefined) {
			this.expiries.delete(key);
			if (expiresAt > now) {
				this.expiries.set(key, expiresAt); // most recently seen, same expiry
				return true;
			}
		}
		this.expiries.set(key, now + this.ttlMs);
		this.evict(now);
		return false;
	}

	private evict(now: number): void {
		for (const [key, expiresAt] of this.expiries) {
			if (this.expiries.size <= this.capacity && expiresAt > now) break;
			this.expiries.delete(key);
		}
	}
}

export interface DeduplicationLimits {
	/** Keys kept per trigger node. */
	keysPerNode: number;
	/** How long a key is remembered. */
	ttlMs: number;
	/** Trigger nodes (workflow + node) tracked by this process; the least recently active is dropped. */
	nodes: number;
}

/** At most 200 × 1000 keys of 64 hex characters: about 20 MB in the worst case. */
export const DEDUPLICATION_LIMITS: DeduplicationLimits = {
	keysPerNode: 1000,
	ttlMs: 6 * 60 * 60 * 1000,
	nodes: 200,
};

/** The recent keys of every trigger node in this process, itself bounded. */
export class DeliveryMemory {
	private readonly byNode = new Map<string, RecentKeys>();

	constructor(private readonly limits: DeduplicationLimits = DEDUPLICATION_LIMITS) {}

	/** Whether this node already accepted the event with this key (and records it if not). */
	isDuplicate(scope: string, key: string, now: number = Date.now()): boolean {
		let keys = this.byNode.get(scope);
		if (keys) {
			this.byNode.delete(scope);
		} else {
			keys = new RecentKeys(this.limits.keysPerNode, this.limits.ttlMs);
		}
		this.byNode.set(scope, keys);
		while (this.byNode.size > this.limits.nodes) {
			const oldest = this.byNode.keys().next().value;
			if (oldest === undefined) break;
			this.byNode.delete(oldest);
		}
		return keys.seenBefore(key, now);
	}

	get nodeCount(): number {
		return this.byNode.size;
	}
}

/** This process's memory of accepted deliveries. */
export const deliveries = new DeliveryMemory();
