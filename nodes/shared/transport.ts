/**
 * The one way every Velents node talks to Velents: authentication, rate-limit pacing, retries,
 * error mapping and pagination.
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
import type {
	IDataObject,
	IExecuteFunctions,
	IHookFunctions,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';

import { DEFAULT_BASE_URL, PAGINATION, RATE_LIMIT } from './contract';
import type { ErrorBody, PaginationLinks, PaginationMeta } from './contract/types';
import { fieldPath, REQUEST_SETTINGS } from './panelNames';
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

export type RequestContext = IExecuteFunctions | ILoadOptionsFunctions | IHookFunctions;

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
	/**
	 * The longest one request may take, from connecting to the last byte. A read that runs out is
	 * retried like a 5xx; a POST that runs out is reported as possibly processed and never resent.
	 */
	timeoutSeconds: number;
	/** Pages that Return All reads at most before it fails, naming this limit. */
	maxPages: number;
}

export const DEFAULT_TRANSPORT_OPTIONS: TransportOptions = {
	maxWaitSeconds: 180,
	maxRetries: 3,
	retryDelayMs: 1000,
	maxRateLimitRetries: 10,
	timeoutSeconds: 60,
	maxPages: 1000,
};

interface Credentials {
	baseUrl?: unknown;
	rateLimitWindowSeconds?: number;
	token?: unknown;
	webhookSecret?: unknown;
}

interface HttpResponse {
	statusCode: number;
	headers: Record<string, unknown>;
	body: unknown;
}

/** The status Velents answered with, for operations that must tell "created" from "read". */
export interface VelentsResponseStatus {
	statusCode: number;
}

/** What the token's window has left, as the server last said. Shared by every execution in this process. */
interface RateBudget {
	remaining?: number;
	windowEndsAt: number;
	/** Requests sent so far: how many were sent after a given one, so how far its answer may lag. */
	sent: number;
}

const budgets = new Map<string, RateBudget>();

export async function velentsRequest<T>(
	context: RequestContext,
	api: VelentsApi,
	request: VelentsRequest,
	options: Partial<TransportOptions> = {},
): Promise<VelentsResponse<T> & VelentsResponseStatus> {
	const policy = { ...DEFAULT_TRANSPORT_OPTIONS, ...options };
	const credentialType = CREDENTIAL_TYPES[api];
	const credentials = (await context.getCredentials(credentialType)) as Credentials;
	const secrets = secretsOf(credentials);
	const baseURL = apiBaseUrl(context, api, credentials.baseUrl, request.itemIndex);
	const windowMs = (credentials.rateLimitWindowSeconds || RATE_LIMIT.windowSeconds) * 1000;
	const budget = budgetFor(context, credentialType, baseURL);
	const cancelled =
		'getExecutionCancelSignal' in context ? context.getExecutionCancelSignal() : undefined;

	let rateLimitRetries = 0;
	let retries = 0;
	for (;;) {
		await waitForBudget(context, budget, policy, request, cancelled);
		const deadline = AbortSignal.timeout(policy.timeoutSeconds * 1000);
		const http: IHttpRequestOptions = {
			method: request.method,
			baseURL,
			url: request.path,
			qs: request.qs,
			body: request.body,
			json: true,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			// A redirect is answered as an error: followed, it re-sends a POST elsewhere and can carry the token there.
			disableFollowRedirect: true,
			timeout: policy.timeoutSeconds * 1000,
			// `timeout` alone resets on every byte; the deadline bounds the whole request.
			abortSignal: cancelled ? AbortSignal.any([deadline, cancelled]) : deadline,
		};
		let response: HttpResponse;
		const sequence = budget.sent++;
		try {
			response = (await context.helpers.httpRequestWithAuthentication.call(
				context,
				credentialType,
				http,
			)) as HttpResponse;
		} catch (error) {
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
 * Every page of a paginated list, or the first `limit` records. Pages are read in order while
 * `meta.current_page < meta.last_page` (or `links.next` is set), and only while they advance: a
 * server that ignores `page` (the same page again, or another page number than asked) ends the
 * list, and more than `maxPages` pages is an error naming that limit.
 */
export async function velentsRequestAllPages<T extends object>(
	context: RequestContext,
	api: VelentsApi,
	request: VelentsRequest,
	limit?: number,
	options: Partial<TransportOptions> = {},
): Promise<T[]> {
	const maxPages = options.maxPages ?? DEFAULT_TRANSPORT_OPTIONS.maxPages;
	const records: T[] = [];
	const perPage = Math.min(limit ?? PAGINATION.maxPerPage, PAGINATION.maxPerPage);
	let previousPage: string | undefined;
	for (let page = 1; ; page++) {
		if (page > maxPages) {
			throw new NodeApiError(
				context.getNode(),
				{ message: 'Too many pages' },
				{
					message: `Velents kept sending more pages to ${request.action}: stopped after ${maxPages} pages (${records.length} records)`,
					description: `Return All reads at most ${maxPages} pages. Turn Return All off and set a Limit, or narrow the list.`,
					itemIndex: request.itemIndex,
				},
			);
		}
		const response = await velentsRequest<unknown>(
			context,
			api,
			{
				...request,
				qs: { ...request.qs, [PAGINATION.pageParam]: page, [PAGINATION.perPageParam]: perPage },
			},
			options,
		);
		const pageRecords = listOfRecords<T>(context, response.data, request, page);
		const servedPage = response.meta?.current_page;
		const pageText = JSON.stringify(pageRecords);
		if ((servedPage !== undefined && servedPage !== page) || pageText === previousPage)
			return records;
		previousPage = pageText;
		records.push(...pageRecords);
		if (limit !== undefined && records.length >= limit) return records.slice(0, limit);
		if (pageRecords.length === 0 || !hasNextPage(response)) return records;
	}
}

/** The records of one page: a list of objects, or a clear error naming what came instead. */
function listOfRecords<T>(
	context: RequestContext,
	data: unknown,
	request: VelentsRequest,
	page: number,
): T[] {
	const entries = Array.isArray(data) ? data : undefined;
	const badEntry = entries?.findIndex((entry) => !isRecord(entry)) ?? -1;
	if (entries && badEntry === -1) return entries as T[];
	throw unexpectedAnswer(
		context,
		request,
		entries
			? `entry ${badEntry} of page ${page} is ${describeValue(entries[badEntry])}, not an object`
			: `page ${page} is ${describeValue(data)}, not a list`,
	);
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

function unexpectedAnswer(
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

/** `null`, `a text`, `a number`, `a list`: what a value is, for an error message (never the value itself). */
export function describeValue(value: unknown): string {
	if (value === null || value === undefined) return 'empty';
	if (Array.isArray(value)) return 'a list';
	if (typeof value === 'string') return 'a text';
	return `a ${typeof value}`;
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

function budgetFor(context: RequestContext, credentialType: string, baseUrl: string): RateBudget {
	// Keyed by the credential's id, never by its token.
	const credentialId = context.getNode().credentials?.[credentialType]?.id ?? 'unsaved';
	const key = `${credentialType}:${credentialId}:${baseUrl}`;
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
	cancelled: AbortSignal | undefined,
): Promise<void> {
	const now = Date.now();
	if (now >= budget.windowEndsAt) {
		budget.remaining = undefined;
	} else if (budget.remaining !== undefined && budget.remaining <= 0) {
		const waitMs = budget.windowEndsAt - now;
		if (waitMs > policy.maxWaitSeconds * 1000)
			throw rateLimitWaitError(context, request, waitMs, policy);
		await sleep(waitMs, cancelled);
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

function rateLimitWaitError(
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
type Failure = 'neverSent' | 'timedOut' | 'connectionLost';

/** Connection errors that prove the request never reached the server (redirects are not followed). */
const NOT_SENT_CODES = new Set([
	'ECONNREFUSED',
	'ENOTFOUND',
	'EAI_AGAIN',
	'EHOSTUNREACH',
	'ENETUNREACH',
]);
const TIMEOUT_FIELD = fieldPath(REQUEST_SETTINGS.collection, REQUEST_SETTINGS.timeout);
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'ECONNABORTED', 'ESOCKETTIMEDOUT', 'ERR_CANCELED']);

function classifyFailure(code: string, deadlinePassed: boolean): Failure {
	if (NOT_SENT_CODES.has(code)) return 'neverSent';
	return deadlinePassed || TIMEOUT_CODES.has(code) ? 'timedOut' : 'connectionLost';
}

function networkError(
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

/** The system error code behind an HTTP client error, wherever the wrappers put it. */
function networkErrorCode(error: unknown): string {
	for (let current = error, depth = 0; isRecord(current) && depth < 5; depth++) {
		if (typeof current.code === 'string' && /^E[A-Z_]+$/.test(current.code)) return current.code;
		current = current.cause;
	}
	return '';
}

// ---------------------------------------------------------------- base URL and secrets

/**
 * The credential's Base URL as requests use it: trimmed, without trailing slashes. A query, a
 * fragment, user info or another scheme than http(s) would send requests elsewhere than meant, so
 * they are refused with the field named.
 */
export function apiBaseUrl(
	context: RequestContext,
	api: VelentsApi,
	value: unknown,
	itemIndex?: number,
): string {
	const text = typeof value === 'string' ? value.trim() : '';
	const problem = baseUrlProblem(text);
	if (problem === undefined) return text.replace(/\/+$/, '');
	throw new NodeOperationError(
		context.getNode(),
		`The Base URL of the "${CREDENTIAL_NAMES[api]}" credential ${problem}`,
		{ description: `Set it to the API's address only, such as ${DEFAULT_BASE_URL}`, itemIndex },
	);
}

/** What is wrong with a Base URL, or undefined when it is usable. */
export function baseUrlProblem(text: string): string | undefined {
	if (!text) return 'is empty';
	let url: URL;
	try {
		url = new URL(text);
	} catch {
		return `"${text}" is not a URL`;
	}
	if (url.protocol !== 'https:' && url.protocol !== 'http:')
		return `"${text}" is not an http(s) URL`;
	if (url.search || text.includes('?')) return `"${text}" has a query string (from "?")`;
	if (url.hash || text.includes('#')) return `"${text}" has a fragment (from "#")`;
	if (url.username || url.password) return 'contains a user name or password';
	return undefined;
}

const REDACTED = '[redacted]';
/** Shorter secrets are only redacted where a whole value equals them: as parts of text they would cut words. */
const MIN_SECRET_PART_LENGTH = 8;

function secretsOf(credentials: Credentials): string[] {
	return [credentials.token, credentials.webhookSecret].filter(
		(secret): secret is string => typeof secret === 'string' && secret.trim() !== '',
	);
}

function redactText(text: string, secrets: readonly string[]): string {
	let result = text;
	for (const secret of secrets) {
		if (result === secret) return REDACTED;
		if (secret.length >= MIN_SECRET_PART_LENGTH) result = result.split(secret).join(REDACTED);
	}
	return result;
}

/**
 * A copy of a JSON value with the credential's secrets replaced, in keys and values, however deep
 * (walked without recursion: a hostile answer can nest thousands of levels).
 */
export function redact<T>(value: T, secrets: readonly string[]): T {
	if (!secrets.length) return value;
	const root: { value: unknown } = { value };
	const pending: Array<[Record<string, unknown> | unknown[], string | number]> = [[root, 'value']];
	while (pending.length) {
		const [parent, key] = pending.pop()!;
		const current = (parent as Record<string | number, unknown>)[key];
		if (typeof current === 'string') {
			(parent as Record<string | number, unknown>)[key] = redactText(current, secrets);
		} else if (Array.isArray(current)) {
			const copy = [...current];
			(parent as Record<string | number, unknown>)[key] = copy;
			copy.forEach((_, index) => pending.push([copy, index]));
		} else if (isRecord(current)) {
			const copy: Record<string, unknown> = {};
			for (const [entryKey, entry] of Object.entries(current)) {
				Object.defineProperty(copy, redactText(entryKey, secrets), {
					value: entry,
					enumerable: true,
					writable: true,
					configurable: true,
				});
			}
			(parent as Record<string | number, unknown>)[key] = copy;
			Object.keys(copy).forEach((entryKey) => pending.push([copy, entryKey]));
		}
	}
	return root.value as T;
}

/** The error with the credential's secrets removed from everything n8n saves of it. */
function redactError(error: NodeApiError, secrets: readonly string[]): NodeApiError {
	if (!secrets.length) return error;
	error.message = redactText(error.message, secrets);
	if (typeof error.description === 'string')
		error.description = redactText(error.description, secrets);
	error.context = redact(error.context, secrets);
	if (error.cause !== undefined) error.cause = redact(error.cause, secrets);
	if (isRecord(error.errorResponse)) error.errorResponse = redact(error.errorResponse, secrets);
	error.messages = redact(error.messages, secrets);
	return error;
}

function capitalise(text: string): string {
	return text.charAt(0).toUpperCase() + text.slice(1);
}
