import { RATE_LIMIT, SUPPORT_PATHS } from '../../nodes/shared/contract';
import { DEFAULT_SUPPORT_TOKEN, OTHER_TENANT_SUPPORT_TOKEN, startSandbox } from './server';
import type { Sandbox } from './server';
import { call, fakeClock, sleep } from './testHelpers';

const token = DEFAULT_SUPPORT_TOKEN;

describe('sandbox rate limit (per token, fixed window)', () => {
	let sandbox: Sandbox;
	let clock: ReturnType<typeof fakeClock>;
	beforeEach(async () => {
		clock = fakeClock();
		sandbox = await startSandbox({ rateLimit: { limit: 3, windowSeconds: 60 }, now: clock.now });
	});
	afterEach(() => sandbox.close());

	const me = (as = token) => call(sandbox.url, 'GET', SUPPORT_PATHS.me, { token: as });

	it('counts down X-RateLimit-Remaining from X-RateLimit-Limit', async () => {
		const remaining = [];
		for (let index = 0; index < 3; index++) {
			const res = await me();
			expect(res.headers[RATE_LIMIT.limitHeader]).toBe('3');
			remaining.push(res.headers[RATE_LIMIT.remainingHeader]);
		}
		expect(remaining).toEqual(['2', '1', '0']);
	});

	it('answers 429 with Retry-After over the limit and does not process the request', async () => {
		for (let index = 0; index < 3; index++) await me();
		const res = await call(sandbox.url, 'POST', SUPPORT_PATHS.tickets, {
			token,
			json: { subject: 'x' },
		});
		expect(res.status).toBe(429);
		expect(res.body).toEqual({ message: 'Too Many Attempts.' });
		expect(res.headers[RATE_LIMIT.retryAfterHeader]).toBe('60');
		expect(res.headers[RATE_LIMIT.remainingHeader]).toBe('0');
		expect(sandbox.tickets()).toHaveLength(0);
	});

	it('counts each token separately', async () => {
		for (let index = 0; index < 3; index++) await me();
		const other = await me(OTHER_TENANT_SUPPORT_TOKEN);
		expect(other.status).toBe(200);
		expect(other.headers[RATE_LIMIT.remainingHeader]).toBe('2');
	});

	it('gives Retry-After as the whole seconds left in the window (43 s in → 17)', async () => {
		await me();
		clock.advance(43_000);
		await me();
		await me();
		const res = await me();
		expect(res.status).toBe(429);
		expect(res.headers[RATE_LIMIT.retryAfterHeader]).toBe('17');
	});

	it('starts the window at the first request and opens a fresh one when it ends', async () => {
		clock.advance(30_000);
		for (let index = 0; index < 3; index++) await me();
		clock.advance(59_999);
		expect((await me()).status).toBe(429);
		clock.advance(1);
		const res = await me();
		expect(res.status).toBe(200);
		expect(res.headers[RATE_LIMIT.remainingHeader]).toBe('2');
	});

	it('never answers Retry-After 0, even in the last milliseconds of a window', async () => {
		for (let index = 0; index < 3; index++) await me();
		clock.advance(59_900);
		expect((await me()).headers[RATE_LIMIT.retryAfterHeader]).toBe('1');
	});

	it('never rate-limits the inspection API, which does not count either', async () => {
		for (let index = 0; index < 3; index++) await me();
		for (let index = 0; index < 10; index++) {
			expect((await call(sandbox.url, 'GET', '/__sandbox/requests')).status).toBe(200);
		}
		sandbox.reset();
		expect((await me()).headers[RATE_LIMIT.remainingHeader]).toBe('2');
	});

	describe('time scale', () => {
		it('divides the window by the time scale, and Retry-After counts real seconds', async () => {
			sandbox.configure({ timeScale: 2 });
			for (let index = 0; index < 3; index++) await me();
			clock.advance(10_000);
			const res = await me();
			expect(res.status).toBe(429);
			// A 60 s window at scale 2 lasts 30 real seconds; 10 have passed.
			expect(res.headers[RATE_LIMIT.retryAfterHeader]).toBe('20');
			clock.advance(20_000);
			expect((await me()).status).toBe(200);
		});

		it('makes a one-minute window last one real second at scale 60 (real clock)', async () => {
			const real = await startSandbox({
				rateLimit: { limit: 1, windowSeconds: 60 },
				timeScale: 60,
			});
			try {
				expect((await call(real.url, 'GET', SUPPORT_PATHS.me, { token })).status).toBe(200);
				const refused = await call(real.url, 'GET', SUPPORT_PATHS.me, { token });
				expect(refused.status).toBe(429);
				expect(refused.headers[RATE_LIMIT.retryAfterHeader]).toBe('1');
				await sleep(1050);
				expect((await call(real.url, 'GET', SUPPORT_PATHS.me, { token })).status).toBe(200);
			} finally {
				await real.close();
			}
		});
	});
});
