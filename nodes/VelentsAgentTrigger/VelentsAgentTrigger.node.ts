import type {
	IHookFunctions,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { forgetIdentity, isIdentityCurrent, rememberIdentity } from './activation';
import { triggerProperties } from './description';
import { receiveEvent } from './webhook';

/**
 * Starts a workflow on the lifecycle events of a Velents agent's conversations and voice calls.
 * The class describes the node and delegates: activation in `./activation`, each request in
 * `./webhook` (verification in `./incoming`, filters in `./filters`, output in `./normalise`).
 */
export class VelentsAgentTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Velents Agent Trigger',
		name: 'velentsAgentTrigger',
		icon: { light: 'file:../../icons/velents.svg', dark: 'file:../../icons/velents.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["events"].join(", ")}}',
		// n8n's node picker shows "Velents Agent" once, for this node and the action node together, with
		// THIS description (in the action context too): it must say what both do, the actions first.
		description:
			'Dispatch an Agent.sa AI agent to call or WhatsApp customers, one by one or in batches, and start workflows on its conversation events',
		defaults: {
			name: 'Velents Agent Trigger',
		},
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'velentsAgentApi',
				required: true,
			},
		],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				// Empty, so that n8n answers an accepted event with the node's `webhookResponse` (its
				// default, 'firstEntryJson', would be sent as the body itself).
				responseData: '',
				path: 'webhook',
			},
		],
		properties: triggerProperties,
	};

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return await isIdentityCurrent(this);
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return await rememberIdentity(this);
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return await forgetIdentity(this);
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await receiveEvent.call(this);
	}
}
