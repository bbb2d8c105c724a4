/** How the dev mode and the end-to-end test put the shipped examples into their n8n. */
import type { WorkflowNode } from './api';
import {
	EXAMPLE_WEBHOOK_BASE_URL,
	followUpTrigger,
	prepareExample,
	productionWebhookUrl,
	readExample,
} from './examples';

const DEV_N8N = 'http://127.0.0.1:5690/';
const CREDENTIALS = {
	velentsAgentApi: { id: '1', name: 'Velents Agent account', type: 'velentsAgentApi' },
	velentsSupportApi: { id: '2', name: 'Velents Support account', type: 'velentsSupportApi' },
};

function stickyText(node: WorkflowNode): string {
	return String(node.parameters.content ?? '');
}

describe('an example imported into a running n8n', () => {
	test('example 1 shows, in its sticky note as in its Link field, the URL it really dispatches with', async () => {
		const followUpUrl = productionWebhookUrl(
			DEV_N8N,
			followUpTrigger(await readExample('followUp')).webhookId,
		);
		const shipped = await readExample('dispatch');
		expect(JSON.stringify(shipped)).toContain(EXAMPLE_WEBHOOK_BASE_URL);

		const prepared = prepareExample(shipped, { credentials: CREDENTIALS, webhookBaseUrl: DEV_N8N });

		expect(JSON.stringify(prepared)).not.toContain(EXAMPLE_WEBHOOK_BASE_URL);
		const dispatch = prepared.nodes.find((node) => node.type === 'n8n-nodes-velents.velentsAgent');
		expect((dispatch?.parameters.webhook as { link?: string }).link).toBe(followUpUrl);
		const notes = prepared.nodes.filter((node) => node.type === 'n8n-nodes-base.stickyNote');
		expect(notes.filter((note) => stickyText(note).includes(followUpUrl))).toHaveLength(1);
	});

	test('every example note that names a URL names one the workflow uses', async () => {
		for (const key of ['dispatch', 'followUp', 'campaign', 'supportSync'] as const) {
			const prepared = prepareExample(await readExample(key), {
				credentials: CREDENTIALS,
				webhookBaseUrl: DEV_N8N,
			});
			const fields = JSON.stringify(
				prepared.nodes
					.filter((node) => node.type !== 'n8n-nodes-base.stickyNote')
					.map((node) => node.parameters),
			);
			for (const note of prepared.nodes.filter(
				(node) => node.type === 'n8n-nodes-base.stickyNote',
			)) {
				for (const url of stickyText(note).match(/https?:\/\/[^\s`)]+/g) ?? [])
					expect({ example: key, url, usedByTheWorkflow: fields.includes(url) }).toEqual({
						example: key,
						url,
						usedByTheWorkflow: true,
					});
			}
		}
	});
});
