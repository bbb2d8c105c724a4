import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { AGENT_PATHS } from '../../shared/contract';
import type { Conversation, DispatchRequest } from '../../shared/contract/types';
import { transportOptions } from '../../shared/descriptions';
import { createdRecord, velentsRequest, type VelentsRequest } from '../../shared/transport';
import { requirePhone } from '../../shared/validation';
import { conversationProperties, readChannel, readWebhook, webhookProperty } from './common';
import { readValues, readVariablesSource } from './variables';

export const description: INodeProperties[] = [
	...conversationProperties('dispatch'),
	webhookProperty('dispatch'),
];

/**
 * One outbound conversation for the item. Everything is checked before the request; the request
 * itself is never repeated automatically (a repeated Dispatch can reach the customer twice).
 */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<object> {
	const body: DispatchRequest = {
		channel_id: readChannel(this, itemIndex),
		phone: requirePhone(this, itemIndex, this.getNodeParameter('phone', itemIndex, ''), 'Phone'),
		values: readValues(this, itemIndex, await readVariablesSource(this)),
	};
	const webhook = await readWebhook(this, itemIndex);
	if (webhook) body.webhook = webhook;

	const request: VelentsRequest = {
		method: 'POST',
		path: AGENT_PATHS.dispatch,
		body: body as unknown as IDataObject,
		action: 'dispatch a conversation',
		resource: 'the agent',
		itemIndex,
	};
	const response = await velentsRequest(this, 'agent', request, transportOptions(this, itemIndex));
	return createdRecord(response, request) as Partial<Conversation>;
}
