import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { SUPPORT_PATHS } from '../../../shared/contract';
import type { TokenInfo } from '../../../shared/contract/types';
import { transportOptions } from '../../../shared/descriptions';
import { expectRecord, velentsRequest, type VelentsRequest } from '../../../shared/transport';

export const description: INodeProperties[] = [];

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<object> {
	const request: VelentsRequest = {
		method: 'GET',
		path: SUPPORT_PATHS.me,
		action: 'read the token information',
		itemIndex,
	};
	const { data } = await velentsRequest(
		this,
		'support',
		request,
		transportOptions(this, itemIndex),
	);
	return expectRecord<TokenInfo>(this, request, data);
}
