import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { PAGINATION, SUPPORT_PATHS } from '../../shared/contract';
import type { Ticket } from '../../shared/contract/types';
import { velentsRequest } from '../../shared/transport';

/** Tickets for the "From List" picker, a page at a time; the filter matches the ID or the subject. */
export async function searchTickets(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const page = Number(paginationToken) || 1;
	const { data, meta } = await velentsRequest<Ticket[]>(this, 'support', {
		method: 'GET',
		path: SUPPORT_PATHS.tickets,
		qs: { [PAGINATION.pageParam]: page, [PAGINATION.perPageParam]: PAGINATION.maxPerPage },
		action: 'read tickets',
	});
	const needle = filter?.trim().toLowerCase();
	const tickets = (data ?? []).filter(
		(ticket) =>
			!needle ||
			ticket.public_id.toLowerCase().includes(needle) ||
			ticket.subject.toLowerCase().includes(needle),
	);
	return {
		results: tickets.map((ticket) => ({
			name: `${ticket.public_id}: ${ticket.subject}`,
			value: ticket.public_id,
		})),
		paginationToken: meta && meta.current_page < meta.last_page ? String(page + 1) : undefined,
	};
}
