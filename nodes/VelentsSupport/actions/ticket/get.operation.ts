import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { SUPPORT_PATHS } from '../../../shared/contract';
import type { Ticket } from '../../../shared/contract/types';
import { transportOptions } from '../../../shared/descriptions';
import { showOnlyFor } from '../../../shared/displayOptions';
import { expectRecord, velentsRequest, type VelentsRequest } from '../../../shared/transport';
import { requireId } from '../../../shared/validation';

export const description: INodeProperties[] = showOnlyFor(
	{ resource: ['ticket'], operation: ['get'] },
	[
		{
			displayName: 'Ticket',
			name: 'ticketId',
			type: 'resourceLocator',
			default: { mode: 'list', value: '' },
			required: true,
			description: 'The ticket to read, by its public ID',
			modes: [
				{
					displayName: 'From List',
					name: 'list',
					type: 'list',
					typeOptions: { searchListMethod: 'searchTickets', searchable: true },
				},
				{
					displayName: 'By ID',
					name: 'id',
					type: 'string',
					placeholder: 'TCK-000001',
					hint: 'The public_id that the Ticket operation Create returned',
				},
			],
		},
	],
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<object> {
	const publicId = requireId(
		this,
		itemIndex,
		this.getNodeParameter('ticketId', itemIndex, '', { extractValue: true }),
		'Ticket',
	);
	const request: VelentsRequest = {
		method: 'GET',
		path: SUPPORT_PATHS.ticket(publicId),
		action: 'read tickets',
		resource: `ticket "${publicId}"`,
		itemIndex,
	};
	const { data } = await velentsRequest(
		this,
		'support',
		request,
		transportOptions(this, itemIndex),
	);
	return expectRecord<Ticket>(this, request, data);
}
