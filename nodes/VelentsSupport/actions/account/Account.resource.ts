/**
 * The Account resource: what the Support Center token itself is allowed to do.
 * Adding an operation: its `*.operation.ts` file in this folder, and its line in each list below.
 */
import type { INodeProperties } from 'n8n-workflow';

import type { Operation } from '../../../shared/execution';
import { toolDescriptions } from '../../../shared/toolDescription';
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

/** What an AI agent's model reads about each operation's tool. */
const toolTexts = {
	getTokenInfo:
		'Check the Velents Support Center token this tool uses; changes nothing. Returns tenant_id, token_name and abilities: what the token may do, such as support.tickets.create.',
};

export const properties: INodeProperties[] = [
	operationSelector,
	...toolDescriptions('account', toolTexts),
	...getTokenInfo.description,
];

export const operations: Record<string, Operation> = {
	getTokenInfo: { perItem: getTokenInfo.execute },
};
