/**
 * The one way every Velents node talks to Velents: authentication, rate-limit pacing, retries,
 * error mapping and pagination.
 *
 * Retry rule: a request is sent again only when Velents cannot have acted on it: after a 429
 * (rejected before processing), when the connection was never made, or for a read (GET). A POST
 * that may have reached Velents (Dispatch, Batch, create ticket, send message) is never repeated:
 * a repeated Dispatch calls a real customer twice.
 */
import type {
	IDataObject,
	IExecuteFunctions,
	IHookFunctions,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IPollFunctions,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, sleep } from 'n8n-workflow';

import { PAGINATION, RATE_LIMIT } from './contract';
import type { ErrorBody, PaginationLinks, PaginationMeta } from './contract/schemas';
import { isRecord } from './validation';

export type VelentsApi = 'agent' | 'support';

export const CREDENTIAL_TYPES: Record<VelentsApi, string> = {
	agent: 'velentsAgentApi',
	support: 'velentsSupportApi',
};

const CREDENTIAL_NAMES: Record<VelentsApi, string> = {
	agent: 'Velents Agent API',
	support: 'Velents Support API',
};

export type RequestContext =
	| IExecuteFunctions
	| ILoadOptionsFunctions
	| IHookFunctions
	| IPollFunctions;

export interface VelentsRequest {
	method: 'GET' | 'POST';
	path: string;
	body?: IDataObject;
	qs?: IDataObject;
	/** What the user asked for, as a phrase ("create a ticket"): named in every error. */
	action: string;
	/** What a 404 is about ("ticket TCK-000001"). */
	resource?: string;
	itemIndex?: number;
}

export interface VelentsResponse<T> {
	data: T;
	meta?: PaginationMeta;
	links?: PaginationLinks;
}

export interface TransportOptions {
	/** The longest single wait for the rate limit; a longer one fails the item instead. */
	maxWaitSeconds: number;
	/** Retries of a read after a 5xx or a network error, and of any request never sent. */
	maxRetries: number;
	/** First backoff delay; it doubles with each retry. */
	retryDelayMs: number;
	/**
	 * 429s in a row for one request before giving up. A 429 was not processed, so sending again is
	 * safe; workers sharing a token each pace by the same headers and can both spend what is left of a
	 * window, so one request may lose a few windows in a row before it gets through.
	 */
	maxRateLimitRetries: number;
}

export const DEFAULT_TRANSPORT_OPTIONS: TransportOptions = {
	maxWaitSeconds: 180,
	maxRetries: 3,
	retryDelayMs: 1000,
	maxRateLimitRetries: 10,
};

interface Credentials {
	baseUrl?: string;
	rateLimitWindowSeconds?: number;
}

interface HttpResponse {
	statusCode: number;
	headers: Record<string, unknown>;
	body: unknown;
}

/** What the token's window has left, as the server last said. Shared by every execution in this process. */
interface RateBudget {
	remaining?: number;
	windowEndsAt: number;
	/** Requests sent so far: how many were sent after a given one, so how far its answer may lag. */
	sent: number;
}

const budgets = new Map<string, RateBudget>();

/** Connection errors that prove the request never reached the server. */
const NOT_SENT_CODES = new Set([
	'ECONNREFUSED',
	'ENOTFOUND',
	'EAI_AGAIN',
	'EHOSTUNREACH',
	'ENETUNREACH',
]);

export async function velentsRequest<T>(
	context: RequestContext,
	api: VelentsApi,
	request: VelentsRequest,
	options: Partial<TransportOptions> = {},
): Promise<VelentsResponse<T>> {
	const policy = { ...DEFAULT_TRANSPORT_OPTIONS, ...options };
	const credentialType = CREDENTIAL_TYPES[api];
	const credentials = (await context.getCredentials(credentialType)) as Credentials;
	const windowMs = (credentials.rateLimitWindowSeconds || RATE_LIMIT.windowSeconds) * 1000;
	const budget = budgetFor(context, credentialType, credentials);
	const http: IHttpRequestOptions = {
		method: request.method,
		baseURL: (credentials.baseUrl ?? '').replace(/\/+$/, ''),
		url: request.path,
		qs: request.qs,
		body: request.body,
		json: true,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
	};

	let rateLimitRetries = 0;
	let retries = 0;
	for (;;) {
		await waitForBudget(context, budget, policy, request);
		let response: HttpResponse;
		const sequence = budget.sent++;
		try {
			response = (await context.helpers.httpRequestWithAuthentication.call(
				context,
				credentialType,
				http,
			)) as HttpResponse;
		} catch (error) {
			const code = networkErrorCode(error);
			if ((request.method === 'GET' || NOT_SENT_CODES.has(code)) && retries < policy.maxRetries) {
				await sleep(policy.retryDelayMs * 2 ** retries++);
				continue;
			}
			throw networkError(context, request, code);
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
							'Check the Base URL of the credential: it may point at something other than the Velents API.',
						httpCode: String(statusCode),
						itemIndex: request.itemIndex,
					},
				);
			}
			return unwrap<T>(response.body);
		}
		if (statusCode === 429 && rateLimitRetries < policy.maxRateLimitRetries) {
			rateLimitRetries++;
			const waitMs = retryAfterMs(response.headers) ?? windowMs;
			budget.remaining = 0;
			budget.windowEndsAt = Date.now() + waitMs;
			continue;
		}
		if (statusCode >= 500 && request.method === 'GET' && retries < policy.maxRetries) {
			await sleep(policy.retryDelayMs * 2 ** retries++);
			continue;
		}
		throw apiError(context, api, request, response);
	}
}

/**
 * Every page of a paginated list, or the first `limit` records. Pages are read in order while
 * `meta.current_page < meta.last_page` (or `links.next` is set).
 */
export async function velentsRequestAllPages<T>(
	context: RequestContext,
	api: VelentsApi,
	request: VelentsRequest,
	limit?: number,
	options: Partial<TransportOptions> = {},
): Promise<T[]> {
	const records: T[] = [];
	const perPage = Math.min(limit ?? PAGINATION.maxPerPage, PAGINATION.maxPerPage);
	for (let page = 1; ; page++) {
		const response = await velentsRequest<T[]>(
			context,
			api,
			{
				...request,
				qs: { ...request.qs, [PAGINATION.pageParam]: page, [PAGINATION.perPageParam]: perPage },
			},
			options,
		);
		const pageRecords = Array.isArray(response.data) ? response.data : [];
		records.push(...pageRecords);
		if (limit !== undefined && records.length >= limit) return records.slice(0, limit);
		if (pageRecords.length === 0 || !hasNextPage(response)) return records;
	}
}

function hasNextPage(response: VelentsResponse<unknown>): boolean {
	if (response.meta) return response.meta.current_page < response.meta.last_page;
	return Boolean(response.links?.next);
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

// ---------------------------------------------------------------- pacing

function budgetFor(
	context: RequestContext,
	credentialType: string,
	credentials: Credentials,
): RateBudget {
	// Keyed by the credential's id, never by its token.
	const credentialId = context.getNode().credentials?.[credentialType]?.id ?? 'unsaved';
	const key = `${credentialType}:${credentialId}:${credentials.baseUrl ?? ''}`;
	let budget = budgets.get(key);
	if (!budget) {
		budget = { windowEndsAt: 0, sent: 0 };
		budgets.set(key, budget);
	}
	return budget;
}

/** Waits out a spent window instead of provoking a 429, and takes one request from the budget. */
async function waitForBudget(
	context: RequestContext,
	budget: RateBudget,
	policy: TransportOptions,
	request: VelentsRequest,
): Promise<void> {
	const now = Date.now();
	if (now >= budget.windowEndsAt) {
		budget.remaining = undefined;
	} else if (budget.remaining !== undefined && budget.remaining <= 0) {
		const waitMs = budget.windowEndsAt - now;
		if (waitMs > policy.maxWaitSeconds * 1000) {
			throw new NodeApiError(
				context.getNode(),
				{ message: 'Rate limit reached' },
				{
					message: `The Velents rate limit is spent: could not ${request.action} without waiting ${Math.ceil(waitMs / 1000)} s`,
					description: `The longest wait allowed is ${policy.maxWaitSeconds} s (option "Max Rate-Limit Wait"). Raise it, or spread the run over more time.`,
					httpCode: '429',
					itemIndex: request.itemIndex,
				},
			);
		}
		await sleep(waitMs);
		budget.remaining = undefined;
	}
	if (budget.remaining !== undefined) budget.remaining--;
}

/**
 * The server's headers are the truth, but the answers to concurrent requests (the executions of one
 * worker share the budget) arrive in any order: an answer may be higher than the estimate by as many
 * requests as this process sent after it (`lag`), and must not give that budget back, so within a
 * window the estimate only goes down. A window is new once the estimate of its end has passed, or
 * when an answer is higher than its lag explains (the server's window ended earlier than estimated);
 * its end is then estimated at now + the window length, a safe upper bound.
 */
function observeBudget(
	budget: RateBudget,
	headers: Record<string, unknown>,
	windowMs: number,
	lag: number,
): void {
	const remaining = numberHeader(headers, RATE_LIMIT.remainingHeader);
	if (remaining === undefined) return;
	const now = Date.now();
	const estimate = budget.remaining;
	if (now >= budget.windowEndsAt || estimate === undefined || remaining > estimate + lag) {
		budget.windowEndsAt = now + windowMs;
		budget.remaining = remaining;
		return;
	}
	budget.remaining = Math.min(estimate, remaining);
}

function retryAfterMs(headers: Record<string, unknown>): number | undefined {
	const value = headers[RATE_LIMIT.retryAfterHeader];
	if (value === undefined || value === null || value === '') return undefined;
	const seconds = Number(value);
	if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
	const date = Date.parse(String(value));
	return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function numberHeader(headers: Record<string, unknown>, name: string): number | undefined {
	const value = Number(headers[name]);
	return headers[name] === undefined || Number.isNaN(value) ? undefined : value;
}

// ---------------------------------------------------------------- errors

function apiError(
	context: RequestContext,
	api: VelentsApi,
	request: VelentsRequest,
	response: HttpResponse,
): NodeApiError {
	const { statusCode } = response;
	const body = (isRecord(response.body) ? response.body : {}) as ErrorBody;
	const serverMessage = body.message ?? body.status?.message;
	const [message, description] = describeStatus(api, request, statusCode, serverMessage, body);
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

/** Every field error of a 422, in both envelope shapes: `subject: The subject field is required.` */
export function fieldErrors(body: ErrorBody): string {
	// A field's messages are documented as a list; a lone text is taken as one message, not dropped.
	const errors: Record<string, unknown> = isRecord(body.errors) ? body.errors : {};
	return Object.entries(errors)
		.map(([field, messages]) => `${field}: ${[messages].flat().map(String).join(' ')}`)
		.join('; ');
}

function networkError(
	context: RequestContext,
	request: VelentsRequest,
	code: string,
): NodeApiError {
	const neverSent = NOT_SENT_CODES.has(code);
	// The code goes in the description: n8n would replace a message that names it with a generic one.
	const reason = `Network error${code ? ` ${code}` : ''}.`;
	return new NodeApiError(
		context.getNode(),
		{ message: reason },
		{
			message: neverSent
				? `Could not reach Velents to ${request.action}`
				: `The connection to Velents failed while trying to ${request.action}`,
			description:
				neverSent || request.method === 'GET'
					? `${reason} Check the Base URL of the credential and the network.`
					: `${reason} Velents may have received it already, so n8n does not send it again automatically (a repeated request can reach a customer twice). Check in Velents before running it again.`,
			itemIndex: request.itemIndex,
		},
	);
}

/** The system error code behind an HTTP client error, wherever the wrappers put it. */
function networkErrorCode(error: unknown): string {
	for (let current = error, depth = 0; isRecord(current) && depth < 5; depth++) {
		if (typeof current.code === 'string' && /^E[A-Z_]+$/.test(current.code)) return current.code;
		current = current.cause;
	}
	return '';
}

function capitalise(text: string): string {
	return text.charAt(0).toUpperCase() + text.slice(1);
}
