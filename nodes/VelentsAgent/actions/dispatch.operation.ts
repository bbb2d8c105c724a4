import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { AGENT_PATHS } from '../../shared/contract';
import type { Conversation, DispatchRequest } from '../../shared/contract/types';
import { transportOptions } from '../../shared/descriptions';
import {
	createdRecord,
	velentsRequest,
	type TransportOptions,
	type VelentsRequest,
} from '../../shared/transport';
import { requirePhone } from '../../shared/validation';
import { conversationProperties, readChannel, readWebhook, webhookProperty } from './common';
import {
	dispatchedContactsProperties,
	dispatchGuard,
	noteNotRecorded,
	skippedRecord,
} from './dispatchedContacts';
import { readValues, readVariablesSource } from './variables';

export const description: INodeProperties[] = [
	...conversationProperties('dispatch'),
	webhookProperty('dispatch'),
	...dispatchedContactsProperties(['dispatch']),
];

/**
 * One outbound conversation for the item. Everything is checked before the request; the request
 * itself is never repeated automatically (a repeated Dispatch can reach the customer twice). With
 * Skip Contacts Already Dispatched, a customer already reached comes out skipped instead.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<object> {
	const phone = requirePhone(
		this,
		itemIndex,
		this.getNodeParameter('phone', itemIndex, ''),
		'Phone',
	);
	const body: DispatchRequest = {
		channel_id: readChannel(this, itemIndex),
		phone,
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
	const options = transportOptions(this, itemIndex);

	const guard = await dispatchGuard(this);
	if (!guard) return await dispatch(this, request, options);
	// Claimed per conversation, right before it is sent: the window for a concurrent run is n8n's
	// read and write of the store, not the request.
	const key = guard.keyOf(itemIndex, phone);
	const claimed = await guard.claim([{ key, itemIndex }]);
	if (!claimed.has(itemIndex)) return skippedRecord(guard, key, phone);
	try {
		return { ...(await dispatch(this, request, options)), dispatchKey: key };
	} catch (error) {
		await guard.release([key]);
		throw noteNotRecorded(error, [key]);
	}
}

async function dispatch(
	context: IExecuteFunctions,
	request: VelentsRequest,
	options: Partial<TransportOptions>,
): Promise<Partial<Conversation>> {
	const response = await velentsRequest(context, 'agent', request, options);
	return createdRecord(response, request) as Partial<Conversation>;
}
