import { AGENT_PATHS, RATE_LIMIT, SUPPORT_PATHS } from '../../nodes/shared/contract';
import { DEFAULT_AGENT_TOKEN, DEFAULT_SUPPORT_TOKEN, startSandbox } from './server';
import type { Sandbox } from './server';
import { call } from './testHelpers';

describe('sandbox API conventions', () => {
	let sandbox: Sandbox;
	beforeAll(async () => {
		sandbox = await startSandbox({ rateLimit: { limit: 1000 } });
	});
	afterEach(() => sandbox.reset());
	afterAll(() => sandbox.close());

	describe('authentication', () => {
		it('answers 401 Unauthenticated without a bearer token', async () => {
			const res = await call(sandbox.url, 'GET', SUPPORT_PATHS.me);
			expect(res.status).toBe(401);
			expect(res.body).toEqual({ message: 'Unauthenticated.' });
		});

		it('answers 401 to an unknown token', async () => {
			const res = await call(sandbox.url, 'GET', SUPPORT_PATHS.me, {
				token: 'Sandbox_1_PersonalAccessToken_wrong',
			});
			expect(res.status).toBe(401);
			expect(res.body).toEqual({ message: 'Unauthenticated.' });
		});

		it('answers 401 to a non-Bearer authorization header', async () => {
			const res = await call(sandbox.url, 'GET', SUPPORT_PATHS.me, {
				headers: { authorization: `Basic ${DEFAULT_SUPPORT_TOKEN}` },
			});
			expect(res.status).toBe(401);
		});

		it('answers 401 to an agent token on a Support Center endpoint', async () => {
			const res = await call(sandbox.url, 'GET', SUPPORT_PATHS.me, { token: DEFAULT_AGENT_TOKEN });
			expect(res.status).toBe(401);
		});

		it('answers 401 to a Support Center token on an Agent.sa endpoint, and dispatches nothing', async () => {
			const res = await call(sandbox.url, 'POST', AGENT_PATHS.dispatch, {
				token: DEFAULT_SUPPORT_TOKEN,
				json: { channel_id: 2, phone: '+201145803442', values: {} },
			});
			expect(res.status).toBe(401);
			expect(sandbox.dispatches()).toHaveLength(0);
		});
	});

	describe('malformed requests and unknown routes', () => {
		it('answers 400 to a body that is not JSON', async () => {
			const res = await call<{ message: string }>(sandbox.url, 'POST', SUPPORT_PATHS.tickets, {
				token: DEFAULT_SUPPORT_TOKEN,
				raw: '{"subject": ',
			});
			expect(res.status).toBe(400);
			expect(res.body.message).toMatch(/^Malformed JSON body/);
			expect(sandbox.tickets()).toHaveLength(0);
		});

		it('answers 400 to JSON that is not an object', async () => {
			const res = await call(sandbox.url, 'POST', SUPPORT_PATHS.tickets, {
				token: DEFAULT_SUPPORT_TOKEN,
				raw: '["subject"]',
			});
			expect(res.status).toBe(400);
		});

		it('answers 404 to an unknown route', async () => {
			const res = await call<{ message: string }>(sandbox.url, 'GET', '/Company/Support/Nope', {
				token: DEFAULT_SUPPORT_TOKEN,
			});
			expect(res.status).toBe(404);
			expect(res.body.message).toContain('could not be found');
		});

		it('answers 404 to a known path with another method', async () => {
			const res = await call(sandbox.url, 'DELETE', SUPPORT_PATHS.tickets, {
				token: DEFAULT_SUPPORT_TOKEN,
			});
			expect(res.status).toBe(404);
		});

		it('matches paths case-sensitively, as Laravel does', async () => {
			const res = await call(sandbox.url, 'GET', SUPPORT_PATHS.me.toLowerCase(), {
				token: DEFAULT_SUPPORT_TOKEN,
			});
			expect(res.status).toBe(404);
		});
	});

	describe('responses', () => {
		it.each([
			['a success', 'GET', SUPPORT_PATHS.me, DEFAULT_SUPPORT_TOKEN, 200],
			['a 401', 'GET', SUPPORT_PATHS.me, 'wrong', 401],
			['a 404', 'GET', '/nowhere', DEFAULT_SUPPORT_TOKEN, 404],
			['a 422', 'POST', SUPPORT_PATHS.tickets, DEFAULT_SUPPORT_TOKEN, 422],
		])(
			'carry JSON and the rate-limit headers on %s',
			async (_label, method, path, token, status) => {
				const res = await call(sandbox.url, method, path, {
					token,
					json: method === 'POST' ? {} : undefined,
				});
				expect(res.status).toBe(status);
				expect(res.headers['content-type']).toBe('application/json');
				expect(res.headers[RATE_LIMIT.limitHeader]).toBe('1000');
				expect(res.headers[RATE_LIMIT.remainingHeader]).toMatch(/^\d+$/);
			},
		);

		it('records every API request with what was answered', async () => {
			await call(sandbox.url, 'POST', `${SUPPORT_PATHS.tickets}?source=test`, {
				token: DEFAULT_SUPPORT_TOKEN,
				json: { subject: 'x' },
			});
			expect(sandbox.requests()).toEqual([
				expect.objectContaining({
					method: 'POST',
					path: SUPPORT_PATHS.tickets,
					query: { source: 'test' },
					body: { subject: 'x' },
					status: 201,
					headers: expect.objectContaining({ authorization: `Bearer ${DEFAULT_SUPPORT_TOKEN}` }),
				}),
			]);
		});
	});
});
