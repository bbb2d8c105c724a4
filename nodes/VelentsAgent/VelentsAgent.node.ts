import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { requestSettings } from '../shared/descriptions';
import { routeOperation } from '../shared/execution';
import { receiveResumeEvent, resumeWebhooks } from './actions/dispatchAndWait.operation';
import { operations, properties } from './actions/operations';
import { loadOptions, resourceMapping } from './methods';

export class VelentsAgent implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Velents Agent',
		name: 'velentsAgent',
		icon: { light: 'file:../../icons/velents.svg', dark: 'file:../../icons/velents.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{ $parameter["operation"] }}',
		description:
			'Have an Agent.sa AI agent call or WhatsApp customers, one at a time or in batches, and read the agent configuration',
		defaults: { name: 'Velents Agent' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'velentsAgentApi', required: true }],
		// Dispatch and Wait's resume URL: a waiting webhook (`restartWebhook`), which n8n never
		// registers, so the node has no webhookMethods lifecycle.
		webhooks: resumeWebhooks,
		properties: [...properties, requestSettings],
	};

	methods = { loadOptions, resourceMapping };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await routeOperation.call(this, operations);
	}

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await receiveResumeEvent.call(this);
	}
}
