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
 * read (`getRequestObject().rawBody`). Size and nesting are checked on the bytes, before anything
 * walks the JSON.
 */
export function parseEventBody(body: unknown, rawBody: unknown): ParsedEvent {
	if (Buffer.isBuffer(rawBody) && rawBody.length > MAX_EVENT_BYTES) return tooLarge();
	const parsed = parsedObject(body);
	const text = parsed === undefined ? textOf(body) || textOf(rawBody) : '';
	if (parsed === undefined && text === '')
		return invalid('The request has no body: a Velents event is a JSON object.');

	const bytes = bodyBytes(rawBody, parsed, text);
	if (bytes !== undefined && bytes.length > MAX_EVENT_BYTES) return tooLarge();
	if (bytes === undefined || nestsDeeperThan(bytes, MAX_EVENT_DEPTH)) {
		return invalid(
			`The request body nests deeper than ${MAX_EVENT_DEPTH} levels: it is not a Velents event.`,
		);
	}

	let payload: unknown = parsed;
	if (parsed === undefined) {
		try {
			payload = JSON.parse(text);
		} catch {
			return invalid('The request body is not JSON: a Velents event is a JSON object.');
		}
	}
	if (!isRecord(payload))
		return invalid('The request body is not a JSON object: a Velents event is a JSON object.');
	const type = eventTypeOf(payload);
	if (type === undefined)
		return invalid('The request body has no event.type: it is not a Velents event.');
	return { ok: true, payload, type, about: eventAboutOf(payload), bytes };
}

/**
 * The body's bytes: as n8n read them; where it kept none, the text, or the parsed object written as
 * JSON (undefined when it nests too deep even to be written).
 */
function bodyBytes(
	rawBody: unknown,
	parsed: Record<string, unknown> | undefined,
	text: string,
): Buffer | undefined {
	if (Buffer.isBuffer(rawBody) && rawBody.length > 0) return rawBody;
	if (parsed === undefined) return Buffer.from(text, 'utf8');
	try {
		return Buffer.from(JSON.stringify(parsed), 'utf8');
	} catch {
		return undefined;
	}
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

const [QUOTE, BACKSLASH, OPEN_OBJECT, OPEN_LIST, CLOSE_OBJECT, CLOSE_LIST] = [
	'"',
	'\\',
	'{',
	'[',
	'}',
	']',
].map((character) => character.charCodeAt(0));

/**
 * Whether the JSON text's objects and lists nest deeper than `limit` (the body itself is level 1):
 * one pass over the bytes, brackets inside strings skipped. UTF-8 encodes no other character with
 * these bytes, so the text need not be decoded; malformed JSON is left to the parser.
 */
export function nestsDeeperThan(bytes: Buffer, limit: number): boolean {
	let depth = 0;
	let inString = false;
	for (let index = 0; index < bytes.length; index++) {
		const byte = bytes[index];
		if (inString) {
			if (byte === BACKSLASH) index++;
			else if (byte === QUOTE) inString = false;
		} else if (byte === QUOTE) inString = true;
		else if (byte === OPEN_OBJECT || byte === OPEN_LIST) {
			if (++depth > limit) return true;
		} else if (byte === CLOSE_OBJECT || byte === CLOSE_LIST) depth--;
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
