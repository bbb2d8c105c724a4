/**
 * The Account resource: what the Support Center token itself is allowed to do.
 * Adding an operation: its `*.operation.ts` file in this folder, and its line in each list below.
 */
import type { INodeProperties } from 'n8n-workflow';

import type { Operation } from '../../../shared/execution';
import * as getTokenInfo from './getTokenInfo.operation';

/** The resource's Operation selector: each option's description is what an AI agent chooses by. */
export const operationSelector: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	default: 'getTokenInfo',
	displayOptions: { show: { resource: ['account'] } },
	options: [
		{
			name: 'Get Token Info',
			value: 'getTokenInfo',
			action: 'Get token info',
			description: 'Check the Support Center token and read its tenant ID, name and abilities',
		},
	],
};

export const properties: INodeProperties[] = [operationSelector, ...getTokenInfo.description];

export const operations: Record<string, Operation> = {
	getTokenInfo: { perItem: getTokenInfo.execute },
};
