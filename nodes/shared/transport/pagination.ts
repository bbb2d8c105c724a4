/**
 * Pagination: every page of a Laravel-paginated list, or the first `limit` records, through the
 * same request (pacing, retries, errors) as any other read.
 */
import { NodeApiError } from 'n8n-workflow';

import { PAGINATION, type VelentsApi } from '../contract';
import { isRecord } from '../validation';
import { describeValue, unexpectedAnswer } from './errors';
import { PROCESS_RATE_BUDGETS, type RateBudgets } from './rateBudget';
import { velentsRequest } from './request';
import {
	DEFAULT_TRANSPORT_OPTIONS,
	type RequestContext,
	type TransportOptions,
	type VelentsRequest,
	type VelentsResponse,
} from './types';

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
	budgets: RateBudgets = PROCESS_RATE_BUDGETS,
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
			budgets,
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

function hasNextPage(response: VelentsResponse<unknown>): boolean {
	if (response.meta) return response.meta.current_page < response.meta.last_page;
	return Boolean(response.links?.next);
}
