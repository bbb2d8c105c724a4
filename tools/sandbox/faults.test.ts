import { AGENT_PATHS, SUPPORT_PATHS } from '../../nodes/shared/contract';
import { DEFAULT_AGENT_TOKEN, DEFAULT_SUPPORT_TOKEN, startSandbox } from './server';
import type { Sandbox } from './server';
import { call, startReceiver } from './testHelpers';

const token = DEFAULT_SUPPORT_TOKEN;

describe('sandbox fault injection', () => {
	let sandbox: Sandbox;
	beforeAll(async () => {
		sandbox = await startSandbox({ rateLimit: { limit: 1000 } });
	});
	afterEach(() => sandbox.reset());
	afterAll(() => sandbox.close());

	const createTicket = () =>
		call(sandbox.url, 'POST', SUPPORT_PATHS.tickets, { token, json: { subject: 'x' } });
	const me = () => call(sandbox.url, 'GET', SUPPORT_PATHS.me, { token });

	describe('status faults', () => {
		it('answer the status instead, without processing the request', async () => {
			sandbox.injectFault({ count: 1, status: 503 });
			const res = await createTicket();
			expect(res.status).toBe(503);
			expect(res.body).toEqual({ message: 'Service Unavailable' });
			expect(sandbox.tickets()).toHaveLength(0);
		});

		it('apply to the next `count` matching requests only', async () => {
			sandbox.injectFault({ count: 2, status: 500 });
			const statuses = [(await me()).status, (await me()).status, (await me()).status];
			expect(statuses).toEqual([500, 500, 200]);
		});

		it('let `skip` matching requests through first (a campaign failing at its second call)', async () => {
			sandbox.injectFault({ skip: 1, status: 422, method: 'POST', path: SUPPORT_PATHS.tickets });
			const statuses = [(await me()).status, (await createTicket()).status];
			expect([...statuses, (await createTicket()).status, (await createTicket()).status]).toEqual([
				200, 201, 422, 201,
			]);
			expect(sandbox.tickets()).toHaveLength(2);
		});

		it('match only the given method and path, leaving other requests alone', async () => {
			sandbox.injectFault({ count: 1, status: 502, method: 'POST', path: SUPPORT_PATHS.tickets });
			expect((await me()).status).toBe(200);
			expect((await createTicket()).status).toBe(502);
			expect((await createTicket()).status).toBe(201);
		});

		it('match a path prefix ending in *', async () => {
			sandbox.injectFault({ count: 1, status: 500, path: '/Company/Support/*' });
			expect((await me()).status).toBe(200);
			expect((await createTicket()).status).toBe(500);
		});

		it('answer a chosen body and headers', async () => {
			sandbox.injectFault({
				count: 1,
				status: 429,
				body: { message: 'slow down' },
				headers: { 'retry-after': '7' },
			});
			const res = await me();
			expect(res.status).toBe(429);
			expect(res.body).toEqual({ message: 'slow down' });
			expect(res.headers['retry-after']).toBe('7');
		});

		it('are recorded in the request log', async () => {
			sandbox.injectFault({ count: 1, status: 500 });
			await me();
			expect(sandbox.requests()[0]).toMatchObject({
				status: 500,
				fault: { status: 500, latencyMs: 0, drop: false, afterProcessing: false },
			});
		});
	});

	describe('latency faults', () => {
		it('delay the answer by latencyMs and then process the request normally', async () => {
			sandbox.injectFault({ count: 1, latencyMs: 150 });
			const started = Date.now();
			const res = await createTicket();
			expect(Date.now() - started).toBeGreaterThanOrEqual(140);
			expect(res.status).toBe(201);
			expect(sandbox.tickets()).toHaveLength(1);
		});
	});

	describe('drop faults', () => {
		it('destroy the socket without an answer and without processing', async () => {
			sandbox.injectFault({ count: 1, drop: true });
			await expect(createTicket()).rejects.toThrow(/socket hang up|ECONNRESET/);
			expect(sandbox.tickets()).toHaveLength(0);
			expect(sandbox.requests()[0]).toMatchObject({ status: null, fault: { drop: true } });
		});
	});

	describe('afterProcessing faults', () => {
		it('create the ticket, then answer the fault status: a repeated POST would duplicate it', async () => {
			sandbox.injectFault({ count: 1, status: 500, afterProcessing: true });
			const res = await createTicket();
			expect(res.status).toBe(500);
			expect(sandbox.tickets()).toHaveLength(1);
		});

		it('record the dispatch and play its lifecycle, then drop the socket', async () => {
			const receiver = await startReceiver();
			try {
				sandbox.injectFault({
					count: 1,
					drop: true,
					afterProcessing: true,
					path: AGENT_PATHS.dispatch,
				});
				const dispatch = call(sandbox.url, 'POST', AGENT_PATHS.dispatch, {
					token: DEFAULT_AGENT_TOKEN,
					json: {
						channel_id: 2,
						phone: '+201145803442',
						values: {},
						webhook: { link: receiver.url },
					},
				});
				await expect(dispatch).rejects.toThrow(/socket hang up|ECONNRESET/);
				expect(sandbox.dispatches()).toHaveLength(1);
				await sandbox.waitForDeliveries(7);
				expect(receiver.received).toHaveLength(7);
			} finally {
				await receiver.close();
			}
		});
	});

	describe('over HTTP', () => {
		it('are injected with POST /__sandbox/faults, listed, and cleared with DELETE', async () => {
			const created = await call(sandbox.url, 'POST', '/__sandbox/faults', {
				json: { count: 3, status: 504, path: SUPPORT_PATHS.me },
			});
			expect(created.status).toBe(201);
			expect(created.body).toEqual({
				data: expect.objectContaining({ remaining: 3, status: 504 }),
			});
			expect((await me()).status).toBe(504);
			const listed = await call<{ data: Array<{ remaining: number }> }>(
				sandbox.url,
				'GET',
				'/__sandbox/faults',
			);
			expect(listed.body.data.map((fault) => fault.remaining)).toEqual([2]);
			await call(sandbox.url, 'DELETE', '/__sandbox/faults');
			expect((await me()).status).toBe(200);
		});

		it('reject an invalid fault with 422', async () => {
			const res = await call<{ errors: Record<string, string[]> }>(
				sandbox.url,
				'POST',
				'/__sandbox/faults',
				{
					json: { count: 0, status: 99, explode: true },
				},
			);
			expect(res.status).toBe(422);
			expect(res.body.errors).toEqual({
				count: ['The count field must be at least 1.'],
				status: ['The status field must be at least 100.'],
				explode: ['The explode field is not allowed.'],
			});
		});

		it('never apply to the inspection API itself', async () => {
			sandbox.injectFault({ count: 1, status: 500 });
			expect((await call(sandbox.url, 'GET', '/__sandbox/requests')).status).toBe(200);
			expect((await me()).status).toBe(500);
		});
	});
});
