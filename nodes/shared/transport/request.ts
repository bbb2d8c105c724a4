/**
 * The request: the one way every Velents node talks to Velents.
 *
 * Retry rule: a request is sent again only when Velents cannot have acted on it: after a 429
 * (rejected before processing), when the connection to the credential's Base URL was never made,
 * or for a read (GET). A POST that may have reached Velents (Dispatch, Batch, create ticket, send
 * message) is never repeated: a repeated Dispatch calls a real customer twice.
 *
 * Trust rule: the server may be hostile or broken. Redirects are never followed (a POST is not
 * re-sent elsewhere, the token never travels to another origin), every request has a deadline,
 * the credential's secrets are removed from everything handed on (errors and data), and answers
 * that are not what the operation needs become clear errors instead of crashing the workflow.
 */
import type { IHttpRequestOptions } from 'n8n-workflow';
import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';

import { CREDENTIAL_TYPES, RATE_LIMIT, type VelentsApi } from '../contract';
import type { PaginationLinks, PaginationMeta } from '../contract/types';
import { isRecord } from '../validation';
import { apiBaseUrl, redact, redactError, secretsOf } from './credential';
import {
	answerTooLargeError,
	apiError,
	describeValue,
	networkError,
	rateLimitWaitError,
	unexpectedAnswer,
	type Failure,
} from './errors';
import {
	observeBudget,
	PROCESS_RATE_BUDGETS,
	retryAfterMs,
	waitForBudget,
	type RateBudgets,
} from './rateBudget';
import { AnswerTooLarge, readAnswerBody } from './responseBody';
import {
	DEFAULT_TRANSPORT_OPTIONS,
	type Credentials,
	type HttpResponse,
	type RequestContext,
	type TransportOptions,
	type VelentsRequest,
	type VelentsResponse,
	type VelentsResponseStatus,
} from './types';

export async function velentsRequest<T>(
	context: RequestContext,
	api: VelentsApi,
	request: VelentsRequest,
	options: Partial<TransportOptions> = {},
	budgets: RateBudgets = PROCESS_RATE_BUDGETS,
): Promise<VelentsResponse<T> & VelentsResponseStatus> {
	const policy = { ...DEFAULT_TRANSPORT_OPTIONS, ...options };
	const credentialType = CREDENTIAL_TYPES[api];
	const credentials = (await context.getCredentials(credentialType)) as Credentials;
	const secrets = secretsOf(credentials);
	const baseURL = apiBaseUrl(context, api, credentials.baseUrl, request.itemIndex);
	const windowMs = (credentials.rateLimitWindowSeconds || RATE_LIMIT.windowSeconds) * 1000;
	const budget = budgets.of(context, credentialType, baseURL);
	const cancelled =
		'getExecutionCancelSignal' in context ? context.getExecutionCancelSignal() : undefined;

	let rateLimitRetries = 0;
	let retries = 0;
	for (;;) {
		await waitForBudget(context, budget, policy, request, cancelled);
		const deadline = AbortSignal.timeout(policy.timeoutSeconds * 1000);
		const stop = cancelled ? AbortSignal.any([deadline, cancelled]) : deadline;
		const http: IHttpRequestOptions = {
			method: request.method,
			baseURL,
			url: request.path,
			qs: request.qs,
			body: request.body,
			json: true,
			// Read here with a size limit (responseBody.ts), not buffered whole by n8n.
			encoding: 'stream',
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			// A redirect is answered as an error: followed, it re-sends a POST elsewhere and can carry the token there.
			disableFollowRedirect: true,
			timeout: policy.timeoutSeconds * 1000,
			// `timeout` alone resets on every byte; the deadline bounds the whole request.
			abortSignal: stop,
		};
		let response: HttpResponse;
		const sequence = budget.sent++;
		try {
			response = (await context.helpers.httpRequestWithAuthentication.call(
				context,
				credentialType,
				http,
			)) as HttpResponse;
			response.body = await readAnswerBody(response.body, stop);
		} catch (error) {
			if (error instanceof AnswerTooLarge)
				throw answerTooLargeError(context, request, error.maxBytes);
			if (cancelled?.aborted) {
				throw new NodeOperationError(
					context.getNode(),
					`The execution was stopped while trying to ${request.action}`,
					{ itemIndex: request.itemIndex },
				);
			}
			const code = networkErrorCode(error);
			const failure = classifyFailure(code, deadline.aborted);
			const safeToRepeat = request.method === 'GET' || failure === 'neverSent';
			if (safeToRepeat && retries < policy.maxRetries) {
				await sleep(policy.retryDelayMs * 2 ** retries++, cancelled);
				continue;
			}
			throw redactError(networkError(context, request, failure, code, policy), secrets);
		}
		observeBudget(budget, response.headers, windowMs, budget.sent - sequence - 1);

		const { statusCode } = response;
		if (statusCode >= 200 && statusCode < 300) {
			if (typeof response.body === 'string' && response.body.trim() !== '') {
				// A proxy or maintenance page, not Velents' JSON: never hand it on as data.
				throw new NodeApiError(
					context.getNode(),
					{ message: 'Not JSON' },
					{
						message: `Velents answered ${statusCode} to the request to ${request.action}, but not with JSON`,
						description:
							request.method === 'POST'
								? `Check the Base URL of the credential: it may point at something other than the Velents API. Velents may have acted on the request, so it was not repeated: check in Velents before running it again.`
								: 'Check the Base URL of the credential: it may point at something other than the Velents API.',
						httpCode: String(statusCode),
						itemIndex: request.itemIndex,
					},
				);
			}
			return { ...unwrap<T>(redact(response.body, secrets)), statusCode };
		}
		if (statusCode === 429 && rateLimitRetries < policy.maxRateLimitRetries) {
			rateLimitRetries++;
			const waitMs = retryAfterMs(response.headers) ?? windowMs;
			if (waitMs > policy.maxWaitSeconds * 1000)
				throw rateLimitWaitError(context, request, waitMs, policy);
			// Shared by every execution with this credential: block it no longer than one window, so that
			// one absurd Retry-After cannot stall the credential; the next answer's headers say the rest.
			budget.remaining = 0;
			budget.windowEndsAt = Date.now() + Math.min(waitMs, windowMs);
			await sleep(waitMs, cancelled);
			continue;
		}
		if (statusCode >= 500 && request.method === 'GET' && retries < policy.maxRetries) {
			await sleep(policy.retryDelayMs * 2 ** retries++, cancelled);
			continue;
		}
		// Redacted before the error is built: n8n copies the server's message into several fields.
		throw redactError(
			apiError(context, api, request, { ...response, body: redact(response.body, secrets) }),
			secrets,
		);
	}
}

/**
 * The answer's `data` as one object. A read whose answer is anything else fails clearly; it never
 * becomes an item n8n cannot handle.
 */
export function expectRecord<T extends object>(
	context: RequestContext,
	request: VelentsRequest,
	data: unknown,
): T {
	if (isRecord(data)) return data as T;
	throw unexpectedAnswer(context, request, `its data is ${describeValue(data)}, not an object`);
}

/**
 * What a request that creates something (Dispatch, Batch, ticket, message) gives back: the answer's
 * object, or, when the success carries none, what is known. A done creation must never read as a
 * failure: that invites running it again, and a second dispatch calls the customer twice.
 */
export function createdRecord(
	response: VelentsResponse<unknown> & VelentsResponseStatus,
	request: VelentsRequest,
): Record<string, unknown> {
	if (isRecord(response.data)) return response.data;
	return {
		accepted: true,
		statusCode: response.statusCode,
		notice: `Velents accepted the request to ${request.action} (${response.statusCode}) but answered without its data. It was done: do not run it again; look it up in Velents.`,
	};
}

function unwrap<T>(body: unknown): VelentsResponse<T> {
	if (isRecord(body) && 'data' in body) {
		return {
			data: body.data as T,
			meta: isRecord(body.meta) ? (body.meta as PaginationMeta) : undefined,
			links: isRecord(body.links) ? (body.links as PaginationLinks) : undefined,
		};
	}
	// Not the documented envelope: hand the body over as it is rather than lose it.
	return { data: body as T };
}

/** Connection errors that prove the request never reached the server (redirects are not followed). */
const NOT_SENT_CODES = new Set([
	'ECONNREFUSED',
	'ENOTFOUND',
	'EAI_AGAIN',
	'EHOSTUNREACH',
	'ENETUNREACH',
]);
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'ECONNABORTED', 'ESOCKETTIMEDOUT', 'ERR_CANCELED']);

function classifyFailure(code: string, deadlinePassed: boolean): Failure {
	if (NOT_SENT_CODES.has(code)) return 'neverSent';
	return deadlinePassed || TIMEOUT_CODES.has(code) ? 'timedOut' : 'connectionLost';
}

/** The system error code behind an HTTP client error, wherever the wrappers put it. */
function networkErrorCode(error: unknown): string {
	for (let current = error, depth = 0; isRecord(current) && depth < 5; depth++) {
		if (typeof current.code === 'string' && /^E[A-Z_]+$/.test(current.code)) return current.code;
		current = current.cause;
	}
	return '';
}
