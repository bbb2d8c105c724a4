import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { SUPPORT_PATHS } from '../../../shared/contract';
import type { TokenInfo } from '../../../shared/contract/types';
import { transportOptions } from '../../../shared/descriptions';
import { velentsRequest } from '../../../shared/transport';

export const description: INodeProperties[] = [];

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<object> {
	const { data } = await velentsRequest<TokenInfo>(
		this,
		'support',
		{ method: 'GET', path: SUPPORT_PATHS.me, action: 'read the token information', itemIndex },
		transportOptions(this, itemIndex),
	);
	return data;
}
