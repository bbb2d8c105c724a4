/**
 * Get History with every history shape the reference publishes, inside n8n's engine against the
 * sandbox: `{id, role, message, created_at}` (the Support Center's own) and `{id, role, message,
 * timestamp}` (the only shape the reference shows, in its webhook events), oldest first either way;
 * without any time, the server's order.
 */
import type { IDataObject } from 'n8n-workflow';

import { DEFAULT_SUPPORT_TOKEN, startSandbox, type Sandbox } from '../../tools/sandbox/server';
import { linearWorkflow, runFlow } from '../../tools/harness/workflows';

let sandbox: Sandbox;
beforeAll(async () => {
	sandbox = await startSandbox();
});
afterAll(async () => await sandbox.close());
beforeEach(() => sandbox.reset());

async function historyAnswered(messages: IDataObject[]) {
	sandbox.injectFault({
		method: 'GET',
		path: '/Company/Conversation/*',
		status: 200,
		body: { data: messages },
	});
	const result = await runFlow(
		linearWorkflow({
			name: 'History',
			type: 'n8n-nodes-velents.velentsSupport',
			parameters: {
				resource: 'conversation',
				operation: 'getHistory',
				conversationId: 'CNV-1',
				returnAll: false,
				limit: 50,
			},
		}),
		{ velentsSupportApi: { token: DEFAULT_SUPPORT_TOKEN, baseUrl: sandbox.url } },
	);
	expect(result.error).toBeUndefined();
	return result.outputOf('History').map((item) => item.json.id);
}

it('webhook-event shape {id, role, message, timestamp}: oldest first by timestamp', async () => {
	expect(
		await historyAnswered([
			{ id: 2, role: 'agent', message: 'Booked.', timestamp: '2025-11-13T23:25:10Z' },
			{ id: 1, role: 'customer', message: 'Book me in', timestamp: '2025-11-13T23:24:50Z' },
		]),
	).toEqual([1, 2]);
});

it('timestamps as epoch seconds sort as times', async () => {
	expect(
		await historyAnswered([
			{ id: 2, role: 'agent', message: 'b', timestamp: 1763076610 },
			{ id: 1, role: 'customer', message: 'a', timestamp: 1763076600 },
		]),
	).toEqual([1, 2]);
});

it('no time on some message: the server’s order is kept', async () => {
	expect(
		await historyAnswered([
			{ id: 3, role: 'agent', message: 'c' },
			{ id: 1, role: 'customer', message: 'a', created_at: '2025-11-13 23:24:50' },
			{ id: 2, role: 'system', message: 'b' },
		]),
	).toEqual([3, 1, 2]);
});
