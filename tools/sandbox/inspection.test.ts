import { AGENT_PATHS, RATE_LIMIT, SUPPORT_PATHS } from '../../nodes/shared/contract';
import type { Ticket } from '../../nodes/shared/contract/types';
import { DEFAULT_AGENT_TOKEN, DEFAULT_SUPPORT_TOKEN, startSandbox } from './server';
import type {
	BatchRecord,
	DeliveryRecord,
	DispatchRecord,
	RecordedRequest,
	Sandbox,
} from './server';
import { call, startReceiver } from './testHelpers';

const token = DEFAULT_SUPPORT_TOKEN;

describe('sandbox inspection API (/__sandbox)', () => {
	let sandbox: Sandbox;
	beforeAll(async () => {
		sandbox = await startSandbox({ rateLimit: { limit: 1000 } });
	});
	afterEach(() => sandbox.reset());
	afterAll(() => sandbox.close());

	const get = <T>(path: string) => call<{ data: T }>(sandbox.url, 'GET', `/__sandbox${path}`);

	it('lists recorded API requests, filterable by method and path', async () => {
		await call(sandbox.url, 'GET', SUPPORT_PATHS.me, { token });
		await call(sandbox.url, 'POST', SUPPORT_PATHS.tickets, { token, json: { subject: 'x' } });
		const all = await get<RecordedRequest[]>('/requests');
		expect(
			all.body.data.map((request) => `${request.method} ${request.path} ${request.status}`),
		).toEqual([`GET ${SUPPORT_PATHS.me} 200`, `POST ${SUPPORT_PATHS.tickets} 201`]);
		const posts = await get<RecordedRequest[]>(
			`/requests?method=post&path=${encodeURIComponent(SUPPORT_PATHS.tickets)}`,
		);
		expect(posts.body.data).toHaveLength(1);
		expect(posts.body.data[0].body).toEqual({ subject: 'x' });
	});

	it('lists tickets of every tenant with their tenant id', async () => {
		await call(sandbox.url, 'POST', SUPPORT_PATHS.tickets, { token, json: { subject: 'x' } });
		const res = await get<Array<Ticket & { tenant_id: number }>>('/tickets');
		expect(res.body.data).toEqual([
			expect.objectContaining({ tenant_id: 1, public_id: 'TCK-000001', subject: 'x' }),
		]);
	});

	it('lists a conversation’s messages, and answers 404 for an unknown one', async () => {
		await call(sandbox.url, 'POST', SUPPORT_PATHS.tickets, {
			token,
			json: { subject: 'x', message: 'hello' },
		});
		const res = await get<Array<{ role: string; message: string }>>('/conversations/1/messages');
		expect(res.body.data).toEqual([
			expect.objectContaining({ role: 'customer', message: 'hello' }),
		]);
		expect((await get('/conversations/99/messages')).status).toBe(404);
	});

	it('lists dispatches and batches with their rows', async () => {
		const agentToken = DEFAULT_AGENT_TOKEN;
		await call(sandbox.url, 'POST', AGENT_PATHS.dispatch, {
			token: agentToken,
			json: { channel_id: 3, phone: '+201145803442', values: { a: '1' } },
		});
		await call(sandbox.url, 'POST', AGENT_PATHS.batch, {
			token: agentToken,
			json: { channel_id: 2, name: 'n', rows: [{ phone: '+201145803443', values: { a: '2' } }] },
		});
		const dispatches = await get<DispatchRecord[]>('/dispatches');
		expect(dispatches.body.data[0].conversation).toMatchObject({
			id: 1,
			channel_id: 3,
			values: { a: '1' },
		});
		const batches = await get<BatchRecord[]>('/batches');
		expect(batches.body.data[0]).toMatchObject({
			id: 1,
			rows_count: 1,
			rows: [{ phone: '+201145803443', values: { a: '2' }, conversation_id: 2 }],
		});
	});

	it('lists deliveries, filterable by conversation and event type, and waits for them over HTTP', async () => {
		const receiver = await startReceiver();
		try {
			await call(sandbox.url, 'POST', AGENT_PATHS.dispatch, {
				token: DEFAULT_AGENT_TOKEN,
				json: {
					channel_id: 2,
					phone: '+201145803442',
					values: {},
					webhook: { link: receiver.url },
				},
			});
			const waited = await get<DeliveryRecord[]>('/deliveries/wait?count=7&timeout_ms=5000');
			expect(waited.status).toBe(200);
			expect(waited.body.data).toHaveLength(7);
			const updates = await get<DeliveryRecord[]>(
				'/deliveries?conversation_id=1&event_type=onUpdate',
			);
			expect(updates.body.data.map((delivery) => delivery.event_type)).toEqual([
				'onUpdate',
				'onUpdate',
			]);
		} finally {
			await receiver.close();
		}
	});

	it('answers 408 when the awaited deliveries do not come in time', async () => {
		const res = await get('/deliveries/wait?count=1&timeout_ms=50');
		expect(res.status).toBe(408);
	});

	it('resets state, faults, rate-limit windows and configuration with POST /reset', async () => {
		await call(sandbox.url, 'POST', SUPPORT_PATHS.tickets, { token, json: { subject: 'x' } });
		sandbox.configure({ errorShape: 'status' });
		sandbox.injectFault({ count: 5, status: 500, path: '/nowhere' });
		const res = await call(sandbox.url, 'POST', '/__sandbox/reset');
		expect(res.status).toBe(200);
		expect(sandbox.tickets()).toEqual([]);
		expect(sandbox.requests()).toEqual([]);
		expect(sandbox.config.errorShape).toBe('message');
		expect((await get<unknown[]>('/faults')).body.data).toEqual([]);
		const first = await call(sandbox.url, 'POST', SUPPORT_PATHS.tickets, {
			token,
			json: { subject: 'y' },
		});
		expect(first.body).toMatchObject({ data: { public_id: 'TCK-000001' } });
		expect(first.headers[RATE_LIMIT.remainingHeader]).toBe('999');
	});

	it('changes the configuration with PUT /config, effective at once', async () => {
		const res = await call<{ data: { rateLimit: { limit: number; windowSeconds: number } } }>(
			sandbox.url,
			'PUT',
			'/__sandbox/config',
			{
				json: { rateLimit: { limit: 1 } },
			},
		);
		expect(res.status).toBe(200);
		expect(res.body.data.rateLimit).toEqual({ limit: 1, windowSeconds: 60 });
		expect((await call(sandbox.url, 'GET', SUPPORT_PATHS.me, { token })).status).toBe(200);
		expect((await call(sandbox.url, 'GET', SUPPORT_PATHS.me, { token })).status).toBe(429);
	});

	it('refuses an invalid configuration with 422 naming each field', async () => {
		const res = await call(sandbox.url, 'PUT', '/__sandbox/config', {
			json: { errorShape: 'xml', colour: 'red' },
		});
		expect(res.status).toBe(422);
		expect(res.body).toEqual({
			message: 'Invalid sandbox configuration.',
			errors: {
				errorShape: ['The selected errorShape is invalid.'],
				colour: ['The colour field is not allowed.'],
			},
		});
	});

	it('shows the live configuration with GET /config, tokens included', async () => {
		const res = await get<{
			agents: Record<string, unknown>;
			supportTokens: Record<string, unknown>;
		}>('/config');
		expect(Object.keys(res.body.data.agents)).toContain(DEFAULT_AGENT_TOKEN);
		expect(Object.keys(res.body.data.supportTokens)).toContain(DEFAULT_SUPPORT_TOKEN);
	});

	it('answers 404 to an unknown sandbox route', async () => {
		expect((await get('/nothing')).status).toBe(404);
	});
});
