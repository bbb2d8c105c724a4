import { SUPPORT_PATHS } from '../../nodes/shared/contract';
import type { HistoryItem, Ticket } from '../../nodes/shared/contract/types';
import { DEFAULT_SUPPORT_TOKEN, OTHER_TENANT_SUPPORT_TOKEN, startSandbox } from './server';
import type { Sandbox } from './server';
import { call } from './testHelpers';

const token = DEFAULT_SUPPORT_TOKEN;

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!condition()) {
		if (Date.now() > deadline) throw new Error('Timed out waiting for the sandbox');
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
}

describe('sandbox Support Center activity: tickets and messages added over time', () => {
	let sandbox: Sandbox;
	beforeAll(async () => {
		sandbox = await startSandbox({ rateLimit: { limit: 1000 } });
	});
	afterEach(() => sandbox.reset());
	afterAll(() => sandbox.close());

	const post = <T>(path: string, json: unknown) =>
		call<{ data: T }>(sandbox.url, 'POST', `/__sandbox${path}`, { json });

	it('opens a ticket through the inspection API, visible to its tenant only, not counted as an API request', async () => {
		const created = await post<Ticket>('/tickets', { subject: 'Broken order', message: 'hi' });
		expect(created.status).toBe(201);
		expect(created.body.data).toMatchObject({ public_id: 'TCK-000001', subject: 'Broken order' });
		const mine = await call<{ data: Ticket[] }>(sandbox.url, 'GET', SUPPORT_PATHS.tickets, {
			token,
		});
		expect(mine.body.data.map((ticket) => ticket.public_id)).toEqual(['TCK-000001']);
		const other = await call<{ data: Ticket[] }>(sandbox.url, 'GET', SUPPORT_PATHS.tickets, {
			token: OTHER_TENANT_SUPPORT_TOKEN,
		});
		expect(other.body.data).toEqual([]);
		expect(sandbox.messages(1)).toEqual([
			expect.objectContaining({ role: 'customer', message: 'hi' }),
		]);
		expect(sandbox.requests({ method: 'POST' })).toEqual([]);
	});

	it('appends agent and system messages to a conversation, which its history then shows', async () => {
		const ticket = sandbox.addTicket({ subject: 'Refund' });
		const reply = await post<HistoryItem>(`/conversations/${ticket.conversation_id}/messages`, {
			role: 'agent',
			message: 'We are on it',
		});
		expect(reply.status).toBe(201);
		sandbox.addMessage(ticket.conversation_id, { role: 'system', message: 'Assigned to Sara' });
		const history = await call<{ data: HistoryItem[] }>(
			sandbox.url,
			'GET',
			SUPPORT_PATHS.history(String(ticket.conversation_id)),
			{ token },
		);
		expect(history.body.data.map((item) => [item.role, item.message])).toEqual([
			['agent', 'We are on it'],
			['system', 'Assigned to Sara'],
		]);
	});

	it('answers 422 for a message without a known role, 404 for an unknown conversation', async () => {
		const ticket = sandbox.addTicket({ subject: 'x' });
		const badRole = await post(`/conversations/${ticket.conversation_id}/messages`, {
			role: 'robot',
			message: 'x',
		});
		expect(badRole.status).toBe(422);
		const unknown = await post('/conversations/999/messages', { role: 'agent', message: 'x' });
		expect(unknown.status).toBe(404);
	});

	it('plays a script of tickets and messages, one step per interval, in order', async () => {
		const started = await post<{ steps: number }>('/activity', {
			every_ms: 20,
			steps: [
				{ ticket: { subject: 'First' } },
				{ message: { conversation_id: 1, role: 'agent', message: 'Hello' } },
				{ message: { conversation_id: 1, role: 'customer', message: 'Thanks' } },
			],
		});
		expect(started).toMatchObject({ status: 202, body: { data: { steps: 3 } } });
		await until(() => sandbox.messages(1).length === 2);
		expect(sandbox.tickets().map((ticket) => ticket.subject)).toEqual(['First']);
		expect(sandbox.messages(1).map((item) => item.message)).toEqual(['Hello', 'Thanks']);
		// The first step too waits its interval: nothing happens at once.
		const playing = sandbox.playActivity({
			steps: [{ ticket: { subject: 'Second' } }],
			every_ms: 50,
		});
		expect(sandbox.tickets().map((ticket) => ticket.subject)).toEqual(['First']);
		await playing;
		expect(sandbox.tickets().map((ticket) => ticket.subject)).toEqual(['First', 'Second']);
	});

	it('stops a playing script on reset', async () => {
		const playing = sandbox.playActivity({
			every_ms: 50,
			steps: [{ ticket: { subject: 'never' } }],
		});
		sandbox.reset();
		await playing;
		expect(sandbox.tickets()).toEqual([]);
	});
});
