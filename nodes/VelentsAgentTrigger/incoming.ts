/**
 * Parsing of an incoming request once its secret is verified, within the limits of size and nesting.
 *
 * How n8n 2.41 hands the body over (its `parseBody`, run before `webhook()`): a JSON content type
 * arrives parsed (and malformed JSON is answered 422 by n8n itself, before this node runs);
 * `text/plain` arrives as a string; any other or missing content type leaves the body unparsed, with
 * the bytes in the request's `rawBody`. Velents' content type is not documented, so all three are read.
 */
import type { EventPayload } from './payload';
import { isRecord } from '../shared/validation';
import { eventAboutOf, eventTypeOf } from './payload';

/**
 * The largest event body accepted, in bytes. Velents' largest events (onEnded, a call's ondone) carry
 * a conversation's whole history: a few KB to a few hundred KB. Above this the event is answered 413
 * and starts nothing, so that one event cannot hold n8n's event loop for seconds.
 */
export const MAX_EVENT_BYTES = 1024 * 1024;
/** The deepest nesting of objects and lists accepted; Velents' own events nest 4 levels deep. */
export const MAX_EVENT_DEPTH = 64;

export type ParsedEvent =
	| {
			ok: true;
			payload: EventPayload;
			type: string;
			about: string;
			/** The body's bytes as they arrived (or, where n8n kept none, as JSON). */
			bytes: Buffer;
	  }
	| { ok: false; statusCode: 400 | 413; problem: string };

/**
 * The event in a request body. `body` is what n8n parsed (`getBodyData()`), `rawBody` the bytes it
 * read (`getRequestObject().rawBody`).
 */
export function parseEventBody(body: unknown, rawBody: unknown): ParsedEvent {
	const raw = Buffer.isBuffer(rawBody) && rawBody.length > 0 ? rawBody : undefined;
	if (raw !== undefined && raw.length > MAX_EVENT_BYTES) return tooLarge();
	const source = parsedObject(body) ?? (textOf(body) || textOf(raw));
	if (source === '') return invalid('The request has no body: a Velents event is a JSON object.');

	let payload: unknown = source;
	if (typeof source === 'string') {
		if (Buffer.byteLength(source) > MAX_EVENT_BYTES) return tooLarge();
		try {
			payload = JSON.parse(source);
		} catch {
			return invalid('The request body is not JSON: a Velents event is a JSON object.');
		}
	}
	if (!isRecord(payload))
		return invalid('The request body is not a JSON object: a Velents event is a JSON object.');
	if (exceedsDepth(payload, MAX_EVENT_DEPTH)) {
		return invalid(
			`The request body nests deeper than ${MAX_EVENT_DEPTH} levels: it is not a Velents event.`,
		);
	}

	const type = eventTypeOf(payload);
	if (type === undefined)
		return invalid('The request body has no event.type: it is not a Velents event.');
	const bytes = raw ?? Buffer.from(typeof source === 'string' ? source : JSON.stringify(payload));
	if (bytes.length > MAX_EVENT_BYTES) return tooLarge();
	return { ok: true, payload, type, about: eventAboutOf(payload), bytes };
}

function invalid(problem: string): ParsedEvent {
	return { ok: false, statusCode: 400, problem };
}

function tooLarge(): ParsedEvent {
	return {
		ok: false,
		statusCode: 413,
		problem: `The request body is larger than ${MAX_EVENT_BYTES} bytes, the most a Velents event may be here.`,
	};
}

/** Whether objects and lists nest deeper than `limit` (the body itself is level 1). Iterative. */
export function exceedsDepth(value: unknown, limit: number): boolean {
	const pending: Array<[unknown, number]> = [[value, 1]];
	for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
		const [current, depth] = next;
		if (typeof current !== 'object' || current === null) continue;
		if (depth > limit) return true;
		for (const child of Object.values(current)) {
			if (typeof child === 'object' && child !== null) pending.push([child, depth + 1]);
		}
	}
	return false;
}

/** The body n8n already parsed into an object; an empty one means n8n did not parse it. */
function parsedObject(body: unknown): Record<string, unknown> | undefined {
	if (!isRecord(body) || Buffer.isBuffer(body) || Object.keys(body).length === 0) return undefined;
	return body;
}

/** A body given as text or bytes, trimmed; '' for anything else. */
function textOf(value: unknown): string {
	if (typeof value === 'string') return value.trim();
	if (Buffer.isBuffer(value)) return value.toString('utf8').trim();
	return '';
}
