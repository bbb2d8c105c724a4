import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { AGENT_PATHS } from '../../shared/contract';
import type { Conversation, DispatchRequest } from '../../shared/contract/types';
import { transportOptions } from '../../shared/descriptions';
import { velentsRequest } from '../../shared/transport';
import { isRecord, requirePhone } from '../../shared/validation';
import {
	conversationProperties,
	readChannel,
	readValues,
	readVariablesSource,
	readWebhook,
	webhookProperty,
} from './common';

export const description: INodeProperties[] = [
	...conversationProperties('dispatch'),
	webhookProperty('dispatch'),
];

/**
 * One outbound conversation for the item. Everything is checked before the request; the request
 * itself is never repeated automatically (a repeated Dispatch can reach the customer twice).
 */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const body: DispatchRequest = {
		channel_id: readChannel(this, itemIndex),
		phone: requirePhone(this, itemIndex, this.getNodeParameter('phone', itemIndex, ''), 'Phone'),
		values: readValues(this, itemIndex, readVariablesSource(this)),
	};
	const webhook = await readWebhook(this, itemIndex);
	if (webhook) body.webhook = webhook;

	const { data } = await velentsRequest<Conversation>(
		this,
		'agent',
		{
			method: 'POST',
			path: AGENT_PATHS.dispatch,
			body: body as unknown as IDataObject,
			action: 'dispatch a conversation',
			resource: 'the agent',
			itemIndex,
		},
		transportOptions(this, itemIndex),
	);
	return isRecord(data) ? (data as IDataObject) : { data: data as IDataObject[keyof IDataObject] };
}
