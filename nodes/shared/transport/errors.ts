/**
 * What the user reads when a request fails: every message names the action ("create a ticket"),
 * and every description says what to do. No secret is in them (the request redacts them).
 */
import type { JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { CREDENTIAL_NAMES, type VelentsApi } from '../contract';
import type { ErrorBody } from '../contract/types';
import { fieldPath, REQUEST_SETTINGS } from '../panelNames';
import { isRecord } from '../validation';
import type { HttpResponse, RequestContext, TransportOptions, VelentsRequest } from './types';

const TIMEOUT_FIELD = fieldPath(REQUEST_SETTINGS.collection, REQUEST_SETTINGS.timeout);

export function apiError(
	context: RequestContext,
	api: VelentsApi,
	request: VelentsRequest,
	response: HttpResponse,
): NodeApiError {
	const { statusCode } = response;
	const body = (isRecord(response.body) ? response.body : {}) as ErrorBody;
	const serverMessage = body.message ?? body.status?.message;
	const [message, description] =
		statusCode >= 300 && statusCode < 400
			? describeRedirect(request, statusCode, response.headers.location)
			: describeStatus(api, request, statusCode, serverMessage, body);
	return new NodeApiError(
		context.getNode(),
		{ ...body, httpCode: String(statusCode) } as JsonObject,
		{
			message,
			description,
			httpCode: String(statusCode),
			itemIndex: request.itemIndex,
		},
	);
}

function describeStatus(
	api: VelentsApi,
	request: VelentsRequest,
	statusCode: number,
	serverMessage: string | undefined,
	body: ErrorBody,
): [string, string | undefined] {
	const said = serverMessage ? `Velents says: "${serverMessage}"` : undefined;
	switch (true) {
		case statusCode === 400:
			return [`Velents could not read the request to ${request.action} (400)`, said];
		case statusCode === 401:
			return [
				`Velents rejected the token of the "${CREDENTIAL_NAMES[api]}" credential (401)`,
				api === 'agent'
					? 'Check the Agent Token: it comes from the Agent.sa dashboard, one per agent, and the Base URL.'
					: 'Check the Tenant Token (AppName_tenantId_PersonalAccessToken_plainTextToken, from your Velents administrator) and the Base URL.',
			];
		case statusCode === 403:
			return [
				`The token of the "${CREDENTIAL_NAMES[api]}" credential may not ${request.action} (403)`,
				`Ask your Velents administrator for a token with the ability to ${request.action}. ${said ?? ''}`.trim(),
			];
		case statusCode === 404:
			return [
				`${capitalise(request.resource ?? 'The resource')} was not found (404)`,
				'It does not exist, or is not visible to this token’s tenant. ' + (said ?? ''),
			];
		case statusCode === 422:
			return [
				`Velents rejected the data to ${request.action} (422): ${fieldErrors(body) || serverMessage || 'invalid data'}`,
				said,
			];
		case statusCode === 429:
			return [
				`Velents kept answering "too many requests" (429) to ${request.action}`,
				'The token’s rate limit is shared with everything else that uses it. Try again later.',
			];
		case statusCode >= 500 && request.method === 'POST':
			return [
				`Velents failed (${statusCode}) while trying to ${request.action}; it was not repeated`,
				`Velents may have acted on it already, so n8n does not send it again automatically (a repeated request can reach a customer twice). Check in Velents before running it again. ${said ?? ''}`.trim(),
			];
		case statusCode >= 500:
			return [`Velents failed (${statusCode}) to ${request.action}, also after retries`, said];
		default:
			return [`Velents answered ${statusCode} to the request to ${request.action}`, said];
	}
}

/** A redirect is never followed: the Base URL is off (http for https, an old host, a login page). */
function describeRedirect(
	request: VelentsRequest,
	statusCode: number,
	location: unknown,
): [string, string] {
	let target = 'another address';
	try {
		target = new URL(String(location)).origin;
	} catch {
		// A relative or missing Location: the same server, another path.
	}
	return [
		`Velents answered ${statusCode} to the request to ${request.action}, redirecting to ${target}`,
		'Redirects are not followed, so nothing was sent on and the token stayed with the configured server. Set the Base URL of the credential to the address the API answers on (for example https:// instead of http://).',
	];
}

/** Every field error of a 422, in both envelope shapes: `subject: The subject field is required.` */
export function fieldErrors(body: ErrorBody): string {
	// A field's messages are documented as a list; a lone text is taken as one message, not dropped.
	const errors: Record<string, unknown> = isRecord(body.errors) ? body.errors : {};
	return Object.entries(errors)
		.map(([field, messages]) => `${field}: ${[messages].flat().map(String).join(' ')}`)
		.join('; ');
}

/** How a request without an answer failed, which decides whether it may be sent again. */
export type Failure = 'neverSent' | 'timedOut' | 'connectionLost';

export function networkError(
	context: RequestContext,
	request: VelentsRequest,
	failure: Failure,
	code: string,
	policy: TransportOptions,
): NodeApiError {
	const isRead = request.method === 'GET';
	// The code goes in the description: n8n would replace a message that names it with a generic one.
	const reason = `Network error${code ? ` ${code}` : ''}.`;
	const notRepeated =
		'Velents may have received it already, so n8n does not send it again automatically (a repeated request can reach a customer twice). Check in Velents before running it again.';
	const [message, description] =
		failure === 'neverSent'
			? [
					`Could not reach Velents to ${request.action}`,
					'Nothing was sent. Check the Base URL of the credential and the network.',
				]
			: failure === 'timedOut'
				? [
						`Velents did not answer within ${policy.timeoutSeconds} s while trying to ${request.action}${isRead ? ', also after retries' : '; it was not repeated'}`,
						isRead
							? `Velents or the network is slow or down. Try again later, or raise ${TIMEOUT_FIELD}.`
							: `${notRepeated} To wait longer for an answer, raise ${TIMEOUT_FIELD}.`,
					]
				: [
						`The connection to Velents failed while trying to ${request.action}${isRead ? ', also after retries' : ''}`,
						isRead ? 'Check the Base URL of the credential and the network.' : notRepeated,
					];
	return new NodeApiError(
		context.getNode(),
		{ message: reason },
		{ message, description: `${reason} ${description}`, itemIndex: request.itemIndex },
	);
}

/** An answer past the transport's size limit: not Velents, or not a Velents that works. */
export function answerTooLargeError(
	context: RequestContext,
	request: VelentsRequest,
	maxBytes: number,
): NodeApiError {
	const megabytes = Math.round(maxBytes / (1024 * 1024));
	const checkBaseUrl = `Velents' answers are far smaller: check the Base URL of the credential.`;
	return new NodeApiError(
		context.getNode(),
		{ message: 'Answer too large' },
		{
			message: `The answer to the request to ${request.action} was larger than ${megabytes} MB and was not read`,
			description:
				request.method === 'GET'
					? checkBaseUrl
					: `${checkBaseUrl} Velents may have acted on the request, so it was not repeated: check in Velents before running it again.`,
			itemIndex: request.itemIndex,
		},
	);
}

export function rateLimitWaitError(
	context: RequestContext,
	request: VelentsRequest,
	waitMs: number,
	policy: TransportOptions,
): NodeApiError {
	return new NodeApiError(
		context.getNode(),
		{ message: 'Rate limit reached' },
		{
			message: `The Velents rate limit is spent: could not ${request.action} without waiting ${Math.ceil(waitMs / 1000)} s`,
			description: `The longest wait allowed is ${policy.maxWaitSeconds} s (${fieldPath(REQUEST_SETTINGS.collection, REQUEST_SETTINGS.maxWait)}). Raise it, or spread the run over more time. Velents has not acted on this item.`,
			httpCode: '429',
			itemIndex: request.itemIndex,
		},
	);
}

export function unexpectedAnswer(
	context: RequestContext,
	request: VelentsRequest,
	what: string,
): NodeApiError {
	return new NodeApiError(
		context.getNode(),
		{ message: 'Unexpected answer' },
		{
			message: `Velents answered the request to ${request.action} in an unexpected shape: ${what}`,
			description:
				'The answer does not match the Velents API this node knows. Check the Base URL of the credential; if it is right, the API may have changed: please report it.',
			itemIndex: request.itemIndex,
		},
	);
}

/** `null`, `a text`, `a number`, `a list`: what a value is, for an error message (never the value itself). */
export function describeValue(value: unknown): string {
	if (value === null || value === undefined) return 'empty';
	if (Array.isArray(value)) return 'a list';
	if (typeof value === 'string') return 'a text';
	return `a ${typeof value}`;
}

function capitalise(text: string): string {
	return text.charAt(0).toUpperCase() + text.slice(1);
}
