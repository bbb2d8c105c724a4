import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { requestSettings } from '../shared/descriptions';
import { routeOperation } from '../shared/execution';
import { operations, properties } from './actions/operations';
import { searchTickets } from './methods/listSearch';

export class VelentsSupport implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Velents Support',
		name: 'velentsSupport',
		icon: { light: 'file:../../icons/velents.svg', dark: 'file:../../icons/velents.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description:
			'Create and read Velents Support Center tickets, send messages into their conversations and read the history',
		defaults: { name: 'Velents Support' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'velentsSupportApi', required: true }],
		properties: [...properties, requestSettings],
	};

	methods = { listSearch: { searchTickets } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await routeOperation.call(this, operations);
	}
}
