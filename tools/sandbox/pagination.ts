/** Laravel's length-aware paginator, as a resource collection renders it: `data`, `meta`, `links`. */
import { PAGINATION } from '../../nodes/shared/contract';
import type { PaginationMeta } from '../../nodes/shared/contract/types';

export const DEFAULT_PER_PAGE = 15;

export interface Page<T> {
	data: T[];
	meta: PaginationMeta & { from: number | null; to: number | null; path: string };
	links: { first: string; last: string; prev: string | null; next: string | null };
}

/** Like Laravel: a missing or invalid page is 1; per_page falls back to the default and is capped [assumed]. */
function positiveInteger(raw: string | null): number | null {
	if (raw === null || !/^\d+$/.test(raw.trim())) return null;
	const value = Number(raw);
	return value >= 1 ? value : null;
}

export function paginate<T>(items: readonly T[], url: URL, baseUrl: string): Page<T> {
	const page = positiveInteger(url.searchParams.get(PAGINATION.pageParam)) ?? 1;
	const perPage = Math.min(
		positiveInteger(url.searchParams.get(PAGINATION.perPageParam)) ?? DEFAULT_PER_PAGE,
		PAGINATION.maxPerPage,
	);
	const total = items.length;
	const lastPage = Math.max(1, Math.ceil(total / perPage));
	const start = (page - 1) * perPage;
	const data = items.slice(start, start + perPage);
	const path = `${baseUrl}${url.pathname}`;

	// Other query parameters (per_page included) are kept in the links, like `withQueryString()`.
	const pageUrl = (target: number): string => {
		const query = new URLSearchParams(url.searchParams);
		query.set(PAGINATION.pageParam, String(target));
		return `${path}?${query.toString()}`;
	};

	return {
		data,
		meta: {
			current_page: page,
			from: data.length > 0 ? start + 1 : null,
			last_page: lastPage,
			path,
			per_page: perPage,
			to: data.length > 0 ? start + data.length : null,
			total,
		},
		links: {
			first: pageUrl(1),
			last: pageUrl(lastPage),
			prev: page > 1 ? pageUrl(page - 1) : null,
			next: page < lastPage ? pageUrl(page + 1) : null,
		},
	};
}
