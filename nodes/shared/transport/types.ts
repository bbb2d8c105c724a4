/** The transport's vocabulary: what a node asks for, what it gets back, and the settings of one request. */
import type {
	IDataObject,
	IExecuteFunctions,
	IHookFunctions,
	ILoadOptionsFunctions,
} from 'n8n-workflow';

import type { PaginationLinks, PaginationMeta } from '../contract/types';

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

export interface Credentials {
	baseUrl?: unknown;
	rateLimitWindowSeconds?: number;
	token?: unknown;
	webhookSecret?: unknown;
}

export interface HttpResponse {
	statusCode: number;
	headers: Record<string, unknown>;
	body: unknown;
}

/** The status Velents answered with, for operations that must tell "created" from "read". */
export interface VelentsResponseStatus {
	statusCode: number;
}
