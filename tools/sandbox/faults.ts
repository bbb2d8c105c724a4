/**
 * Fault injection: the next `count` API requests matching a method/path answer with a chosen
 * status, late, or not at all. `afterProcessing` faults let the request take effect first, which
 * is how a test proves that a client never repeats a POST it cannot know the outcome of.
 */
import { z } from 'zod';

export const faultSpecSchema = z
	.object({
		count: z.number().int().min(1).default(1),
		/** Matching requests let through, answered as usual, before the fault starts (a campaign's call 2). */
		skip: z.number().int().min(0).default(0),
		/** Answer with this status instead (500 when neither status, drop nor latency is given). */
		status: z.number().int().min(100).max(599).optional(),
		/** Real milliseconds to wait before answering (not scaled: it is about client timeouts). */
		latencyMs: z.number().int().min(0).optional(),
		/** Destroy the socket without any answer. */
		drop: z.literal(true).optional(),
		/** Exact path, or a prefix ending in `*`; any path when absent. */
		path: z.string().min(1).optional(),
		method: z.string().min(1).optional(),
		/** Process the request for real (ticket created, dispatch recorded), then answer with the fault. */
		afterProcessing: z.boolean().default(false),
		/** Body of the fault answer; `{message: <reason phrase>}` by default. */
		body: z.unknown().optional(),
		/**
		 * Adds the request as received (method, path, headers with the token, body) under `request`, as
		 * proxies and debug pages do: how a test proves that no secret leaks from an error.
		 */
		echoRequest: z.boolean().default(false),
		headers: z.record(z.string()).optional(),
		/**
		 * Streams the answer with a `padding` string of this many bytes in front of the body's fields,
		 * without a Content-Length: how a test proves that a client never holds an answer of any size.
		 */
		paddingBytes: z.number().int().min(1).optional(),
	})
	.strict();

export type FaultSpec = z.input<typeof faultSpecSchema>;
export type Fault = z.output<typeof faultSpecSchema> & {
	id: number;
	remaining: number;
	skipped: number;
};

/** What a taken fault does to one request. */
export interface FaultEffect {
	fault: Fault;
	latencyMs: number;
	/** 'drop', a status, or null for latency only. */
	answer: 'drop' | number | null;
	afterProcessing: boolean;
}

export class FaultInjector {
	private faults: Fault[] = [];
	private nextId = 1;

	add(spec: FaultSpec): Fault {
		const parsed = faultSpecSchema.parse(spec);
		const fault: Fault = { ...parsed, id: this.nextId++, remaining: parsed.count, skipped: 0 };
		this.faults.push(fault);
		return fault;
	}

	/** Takes one use of the first pending fault matching this request. */
	take(method: string, path: string): FaultEffect | undefined {
		const fault = this.faults.find((candidate) => matches(candidate, method, path));
		if (!fault) return undefined;
		if (fault.skipped < fault.skip) {
			fault.skipped++;
			return undefined;
		}
		fault.remaining--;
		if (fault.remaining === 0) this.faults = this.faults.filter((candidate) => candidate !== fault);
		const latencyMs = fault.latencyMs ?? 0;
		const answer = fault.drop ? 'drop' : (fault.status ?? (latencyMs > 0 ? null : 500));
		return { fault, latencyMs, answer, afterProcessing: fault.afterProcessing };
	}

	list(): Fault[] {
		return [...this.faults];
	}

	clear(): void {
		this.faults = [];
	}
}

function matches(fault: Fault, method: string, path: string): boolean {
	if (fault.method && fault.method.toUpperCase() !== method.toUpperCase()) return false;
	if (!fault.path) return true;
	return fault.path.endsWith('*')
		? path.startsWith(fault.path.slice(0, -1))
		: trimSlash(path) === trimSlash(fault.path);
}

function trimSlash(path: string): string {
	return path.length > 1 ? path.replace(/\/+$/, '') : path;
}
