/**
 * Verification and parsing of an incoming request, before anything else looks at it.
 *
 * How n8n 2.41 hands the body over (its `parseBody`, run before `webhook()`): a JSON content type
 * arrives parsed (and malformed JSON is answered 422 by n8n itself, before this node runs);
 * `text/plain` arrives as a string; any other or missing content type leaves the body unparsed, with
 * the bytes in the request's `rawBody`. Velents' content type is not documented, so all three are read.
 */
import type { IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { CREDENTIAL_TYPES } from '../shared/transport';
import type { RawRequest } from '../shared/webhookAnswer';
import { answerWebhook } from '../shared/webhookAnswer';
import { carriesSecret } from '../shared/webhookSecret';
import type { EventPayload } from './payload';
import { isRecord } from '../shared/validation';
import { eventAboutOf, eventTypeOf } from './payload';

export type ParsedEvent =
	| { ok: true; payload: EventPayload; type: string; about: string }
	| { ok: false; problem: string };

/**
 * The event in a request body. `body` is what n8n parsed (`getBodyData()`), `rawBody` the bytes it
 * read (`getRequestObject().rawBody`).
 */
export function parseEventBody(body: unknown, rawBody: unknown): ParsedEvent {
	const source = parsedObject(body) ?? (textOf(body) || textOf(rawBody));
	if (source === '') {
		return { ok: false, problem: 'The request has no body: a Velents event is a JSON object.' };
	}

	let payload: unknown = source;
	if (typeof source === 'string') {
		try {
			payload = JSON.parse(source);
		} catch {
			return {
				ok: false,
				problem: 'The request body is not JSON: a Velents event is a JSON object.',
			};
		}
	}
	if (!isRecord(payload)) {
		return {
			ok: false,
			problem: 'The request body is not a JSON object: a Velents event is a JSON object.',
		};
	}

	const type = eventTypeOf(payload);
	if (type === undefined) {
		return { ok: false, problem: 'The request body has no event.type: it is not a Velents event.' };
	}
	return { ok: true, payload, type, about: eventAboutOf(payload) };
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

/**
 * Whether the request may start the workflow: always when the credential has no webhook secret,
 * otherwise only when one of the secret headers carries it (compared in constant time).
 */
export function isAuthorised(secret: string, headers: Record<string, unknown>): boolean {
	return secret === '' || carriesSecret(secret, headers);
}

/**
 * The request's event, once verified: without the credential's webhook secret it is answered 401,
 * and a body that is not a Velents event 400 (`answered` then holds what to return from `webhook()`).
 */
export async function readVerifiedEvent(
	context: IWebhookFunctions,
): Promise<
	| { ok: true; payload: EventPayload; type: string; about: string }
	| { ok: false; answered: IWebhookResponseData }
> {
	const credentials = await context.getCredentials<{ webhookSecret?: unknown }>(
		CREDENTIAL_TYPES.agent,
	);
	const secret = typeof credentials.webhookSecret === 'string' ? credentials.webhookSecret : '';
	if (!isAuthorised(secret, context.getHeaderData() as Record<string, unknown>)) {
		return {
			ok: false,
			answered: answerWebhook(context, 401, {
				message:
					'The webhook secret is missing or wrong: the event must carry the Velents credential’s Webhook Secret.',
			}),
		};
	}
	const request: RawRequest = context.getRequestObject();
	const parsed = parseEventBody(context.getBodyData(), request.rawBody);
	if (!parsed.ok) {
		return { ok: false, answered: answerWebhook(context, 400, { message: parsed.problem }) };
	}
	return parsed;
}
