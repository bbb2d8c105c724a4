/** n8n nodes the benchmarks' workflows are built from. */
import { randomUUID } from 'node:crypto';

import type { WorkflowNode } from '../n8n/api';

/** n8n's Webhook node named "Webhook": POST to `path`, answered at once. */
export function postWebhookNode(
	path: string,
	parameters: Record<string, unknown> = {},
): Omit<WorkflowNode, 'id' | 'position'> {
	return {
		name: 'Webhook',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2.1,
		webhookId: randomUUID(),
		parameters: {
			httpMethod: 'POST',
			path,
			responseMode: 'onReceived',
			options: {},
			...parameters,
		},
	};
}
