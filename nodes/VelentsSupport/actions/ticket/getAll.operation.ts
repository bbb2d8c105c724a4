import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { SUPPORT_PATHS } from '../../../shared/contract';
import type { Ticket } from '../../../shared/contract/types';
import { returnAllOrLimit, transportOptions } from '../../../shared/descriptions';
import { showOnlyFor } from '../../../shared/displayOptions';
import { velentsRequestAllPages } from '../../../shared/transport';

export const description: INodeProperties[] = showOnlyFor(
	{ resource: ['ticket'], operation: ['getAll'] },
	returnAllOrLimit(),
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<object[]> {
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll ? undefined : (this.getNodeParameter('limit', itemIndex, 50) as number);
	return await velentsRequestAllPages<Ticket>(
		this,
		'support',
		{ method: 'GET', path: SUPPORT_PATHS.tickets, action: 'read tickets', itemIndex },
		limit,
		transportOptions(this, itemIndex),
	);
}
