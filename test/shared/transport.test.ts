/**
 * The transport is the one way every node talks to Velents. These tests are its specification:
 * what it sends, when it waits, when it sends again (and when never), and what the user reads
 * when something fails.
 */
import { NodeApiError } from 'n8n-workflow';

import type { VelentsApi } from '../../nodes/shared/contract';
import {
	baseUrlProblem,
	RateBudgets,
	redact,
	velentsRequest,
	velentsRequestAllPages,
	type RequestContext,
	type TransportOptions,
	type VelentsRequest,
} from '../../nodes/shared/transport';
import { fakeContext, rateHeaders, type ScriptedAnswer } from '../helpers/fakeHttp';
import { createExecuteContext } from '../helpers/mockContext';

// A virtual clock: `sleep` advances it instead of waiting, so waits are measured exactly.
const mockClock = { now: 1_000_000, slept: [] as number[] };
jest.mock('n8n-workflow', () => ({
	...jest.requireActual('n8n-workflow'),
	sleep: jest.fn(async (ms: number) => {
		mockClock.slept.push(ms);
		mockClock.now += ms;
	}),
}));
jest.spyOn(Date, 'now').mockImplementation(() => mockClock.now);

/** Each test its own rate budgets: what one test spends of a window never carries into the next. */
let budgets = new RateBudgets();
beforeEach(() => {
	budgets = new RateBudgets();
	mockClock.slept = [];
});

function setup(answers: ScriptedAnswer[], credentials: Record<string, unknown> = {}) {
	return fakeContext(answers, { credentials: { baseUrl: 'http://velents.test', ...credentials } });
}

/** The transport's request, with this test's budgets. */
async function send(
	context: RequestContext,
	api: VelentsApi,
	request: VelentsRequest,
	options?: Partial<TransportOptions>,
) {
	return await velentsRequest(context, api, request, options, budgets);
}

/** The transport's paginated read, with this test's budgets. */
async function sendAllPages(
	context: RequestContext,
	api: VelentsApi,
	request: VelentsRequest,
	limit?: number,
	options?: Partial<TransportOptions>,
) {
	return await velentsRequestAllPages(context, api, request, limit, options, budgets);
}

const createTicket: VelentsRequest = {
	method: 'POST',
	path: '/Company/Support/Tickets',
	body: { subject: 'Order 1212' },
	action: 'create a ticket',
	itemIndex: 3,
};
const readTicket: VelentsRequest = {
	method: 'GET',
	path: '/Company/Support/Tickets/TCK-1',
	action: 'read tickets',
	resource: 'ticket "TCK-1"',
};

async function failure(promise: Promise<unknown>): Promise<NodeApiError> {
	const error = await promise.then(
		() => undefined,
		(thrown: unknown) => thrown,
	);
	expect(error).toBeInstanceOf(NodeApiError);
	return error as NodeApiError;
}

describe('requests', () => {
	it('sends JSON to the credential’s base URL, through n8n’s authenticated request helper', async () => {
		const { context, sent } = setup([{ statusCode: 201, body: { data: { public_id: 'TCK-1' } } }]);
		await send(context, 'support', createTicket);
		expect(sent[0]).toMatchObject({
			credentialType: 'velentsSupportApi',
			method: 'POST',
			baseURL: 'http://velents.test',
			url: '/Company/Support/Tickets',
			body: { subject: 'Order 1212' },
			json: true,
		});
	});

	it('unwraps `data` and exposes `meta` and `links`', async () => {
		const { context } = setup([
			{
				statusCode: 200,
				body: {
					data: [{ id: 1 }],
					meta: { current_page: 1, last_page: 2, per_page: 1, total: 2 },
					links: { next: 'x' },
				},
			},
		]);
		const response = await send(context, 'support', readTicket);
		expect(response).toEqual({
			statusCode: 200,
			data: [{ id: 1 }],
			meta: { current_page: 1, last_page: 2, per_page: 1, total: 2 },
			links: { next: 'x' },
		});
	});

	it('tolerates extra top-level keys beside `data`', async () => {
		const { context } = setup([
			{ statusCode: 200, body: { data: { id: 1 }, status: { message: 'ok', check: true } } },
		]);
		expect((await send(context, 'support', readTicket)).data).toEqual({ id: 1 });
	});
});

describe('errors a user can act on', () => {
	it('401 names the credential to fix, and never shows the token', async () => {
		const { context } = setup([{ statusCode: 401, body: { message: 'Unauthenticated.' } }]);
		const error = await failure(send(context, 'support', readTicket));
		expect(error.message).toBe(
			'Velents rejected the token of the "Velents Support API" credential (401)',
		);
		expect(error.description).toContain('AppName_tenantId_PersonalAccessToken_plainTextToken');
		expect(JSON.stringify(error)).not.toContain('secret-token-never-shown');
	});

	it('401 on the agent API points at the Agent.sa dashboard', async () => {
		const { context } = setup([{ statusCode: 401, body: { message: 'Unauthenticated.' } }]);
		const error = await failure(
			send(context, 'agent', { ...readTicket, action: 'dispatch a conversation' }),
		);
		expect(error.message).toContain('"Velents Agent API"');
		expect(error.description).toContain('Agent.sa dashboard');
	});

	it('403 names the operation that needed the missing ability and keeps the server’s message', async () => {
		const { context } = setup([
			{ statusCode: 403, body: { message: 'Invalid ability provided: support.tickets.create' } },
		]);
		const error = await failure(send(context, 'support', createTicket));
		expect(error.message).toBe(
			'The token of the "Velents Support API" credential may not create a ticket (403)',
		);
		expect(error.description).toContain('Invalid ability provided: support.tickets.create');
		expect(error.context.itemIndex).toBe(3);
	});

	it('404 names what was not found', async () => {
		const { context } = setup([{ statusCode: 404, body: { message: 'Not found.' } }]);
		const error = await failure(send(context, 'support', readTicket));
		expect(error.message).toBe('Ticket "TCK-1" was not found (404)');
		expect(error.description).toContain('not visible to this token’s tenant');
	});

	it('422 lists every field error, in the documented envelope', async () => {
		const { context } = setup([
			{
				statusCode: 422,
				body: {
					message: 'The given data was invalid.',
					errors: {
						subject: ['The subject field is required.'],
						'customer.email': ['Must be an e-mail.'],
					},
				},
			},
		]);
		const error = await failure(send(context, 'support', createTicket));
		expect(error.message).toBe(
			'Velents rejected the data to create a ticket (422): subject: The subject field is required.; customer.email: Must be an e-mail.',
		);
		expect(error.httpCode).toBe('422');
	});

	it('422 lists every field error, in the `status` envelope too', async () => {
		const { context } = setup([
			{
				statusCode: 422,
				body: {
					status: { message: 'Validation failed', check: false },
					errors: { phone: ['Invalid phone.'] },
				},
			},
		]);
		const error = await failure(send(context, 'support', createTicket));
		expect(error.message).toContain('(422): phone: Invalid phone.');
		expect(error.description).toContain('Validation failed');
	});

	it('422 with a field’s message as a lone text still lists it', async () => {
		const { context } = setup([
			{
				statusCode: 422,
				body: { message: 'Invalid.', errors: { phone: 'The phone is invalid.' } },
			},
		]);
		const error = await failure(send(context, 'support', createTicket));
		expect(error.message).toBe(
			'Velents rejected the data to create a ticket (422): phone: The phone is invalid.',
		);
	});

	it('a success that is not JSON (a proxy page) is an error, never data', async () => {
		const { context } = setup([{ statusCode: 200, body: '<html>Maintenance</html>' }]);
		const error = await failure(send(context, 'support', readTicket));
		expect(error.message).toBe(
			'Velents answered 200 to the request to read tickets, but not with JSON',
		);
		expect(error.description).toContain('Base URL');
	});

	it('400 says the request could not be read', async () => {
		const { context } = setup([{ statusCode: 400, body: { message: 'Malformed JSON' } }]);
		const error = await failure(send(context, 'support', createTicket));
		expect(error.message).toBe('Velents could not read the request to create a ticket (400)');
	});
});

describe('retries: only what Velents cannot have acted on', () => {
	it('retries a read after a 5xx, with a doubling backoff', async () => {
		const { context, sent } = setup([
			{ statusCode: 502 },
			{ statusCode: 503 },
			{ statusCode: 200, body: { data: { id: 1 } } },
		]);
		await expect(send(context, 'support', readTicket)).resolves.toEqual({
			statusCode: 200,
			data: { id: 1 },
		});
		expect(sent).toHaveLength(3);
		expect(mockClock.slept).toEqual([1000, 2000]);
	});

	it('gives up on a read after the configured retries', async () => {
		const { context, sent } = setup([
			{ statusCode: 500 },
			{ statusCode: 500 },
			{ statusCode: 500 },
		]);
		const error = await failure(
			send(context, 'support', readTicket, { maxRetries: 2, retryDelayMs: 10 }),
		);
		expect(sent).toHaveLength(3);
		expect(error.message).toBe('Velents failed (500) to read tickets, also after retries');
	});

	it('never repeats a POST after a 5xx, and says why', async () => {
		const { context, sent } = setup([{ statusCode: 500 }, { statusCode: 201 }]);
		const error = await failure(send(context, 'support', createTicket));
		expect(sent).toHaveLength(1);
		expect(error.message).toBe(
			'Velents failed (500) while trying to create a ticket; it was not repeated',
		);
		expect(error.description).toContain('can reach a customer twice');
	});

	it('never repeats a POST after the connection broke mid-request', async () => {
		const { context, sent } = setup([{ networkError: 'ECONNRESET' }, { statusCode: 201 }]);
		const error = await failure(
			send(context, 'agent', { ...createTicket, action: 'dispatch a conversation' }),
		);
		expect(sent).toHaveLength(1);
		expect(error.message).toBe(
			'The connection to Velents failed while trying to dispatch a conversation',
		);
		expect(error.description).toContain('ECONNRESET');
		expect(error.description).toContain('not send it again automatically');
	});

	it('does send a POST again when the connection was never made', async () => {
		const { context, sent } = setup([
			{ networkError: 'ECONNREFUSED' },
			{ statusCode: 201, body: { data: { id: 7 } } },
		]);
		await expect(send(context, 'support', createTicket)).resolves.toEqual({
			statusCode: 201,
			data: { id: 7 },
		});
		expect(sent).toHaveLength(2);
	});

	it('retries a read after a network error', async () => {
		const { context, sent } = setup([
			{ networkError: 'ETIMEDOUT' },
			{ statusCode: 200, body: { data: 1 } },
		]);
		await expect(send(context, 'support', readTicket)).resolves.toEqual({
			statusCode: 200,
			data: 1,
		});
		expect(sent).toHaveLength(2);
	});
});

describe('rate limits', () => {
	it('after a 429, waits Retry-After and sends the same POST again (a 429 was not processed)', async () => {
		const { context, sent } = setup([
			{ statusCode: 429, headers: { ...rateHeaders(30, 0), 'retry-after': '17' } },
			{ statusCode: 201, headers: rateHeaders(30, 29), body: { data: { public_id: 'TCK-9' } } },
		]);
		await expect(send(context, 'support', createTicket)).resolves.toEqual({
			statusCode: 201,
			data: { public_id: 'TCK-9' },
		});
		expect(sent).toHaveLength(2);
		expect(sent[1]).toEqual(sent[0]);
		expect(mockClock.slept).toEqual([17_000]);
	});

	it('paces instead of provoking a 429: when the window is spent it waits for the next one', async () => {
		const window = 60_000;
		const answers: ScriptedAnswer[] = [3, 2, 1, 0].map((left) => ({
			statusCode: 201,
			headers: rateHeaders(4, left === 3 ? 3 : left),
			body: { data: {} },
		}));
		answers.push({ statusCode: 201, headers: rateHeaders(4, 3), body: { data: {} } });
		const { context, sent } = setup(answers);
		const started = mockClock.now;
		for (let request = 0; request < 5; request++) await send(context, 'support', createTicket);
		expect(sent).toHaveLength(5);
		expect(mockClock.slept).toEqual([window]);
		expect(mockClock.now - started).toBe(window);
	});

	it('answers that arrive out of order never give budget back: the next request waits for the next window', async () => {
		// Three requests in flight at once; the server answers them in the order it processed them
		// (2, 1, 0 left), but they arrive last first. The window is spent: the fifth request must wait.
		const answers = new Map<number, (left: number) => void>();
		let calls = 0;
		const { context } = createExecuteContext({
			credentials: { baseUrl: 'http://velents.test' },
			http: () => {
				const call = calls++;
				if (call === 0) return { statusCode: 201, headers: rateHeaders(30, 3), body: { data: {} } };
				if (call === 4)
					return { statusCode: 201, headers: rateHeaders(30, 29), body: { data: {} } };
				return new Promise((resolve) =>
					answers.set(call, (left) =>
						resolve({ statusCode: 201, headers: rateHeaders(30, left), body: { data: {} } }),
					),
				);
			},
		});
		mockClock.slept = [];
		await send(context, 'support', createTicket);
		const concurrent = [1, 2, 3].map(() => send(context, 'support', createTicket));
		while (answers.size < 3) await Promise.resolve();
		for (const [call, left] of [
			[3, 0],
			[2, 1],
			[1, 2],
		]) {
			answers.get(call)?.(left);
			await concurrent[call - 1];
		}
		await send(context, 'support', createTicket);
		expect(calls).toBe(5);
		expect(mockClock.slept).toEqual([60_000]);
	});

	it('keeps a budget per store: a request with another store does not wait for this one’s spent window', async () => {
		const { context } = setup([
			{ statusCode: 200, headers: rateHeaders(1, 0), body: { data: {} } },
			{ statusCode: 200, headers: rateHeaders(1, 0), body: { data: {} } },
		]);
		await send(context, 'support', readTicket);
		await velentsRequest(context, 'support', readTicket, {}, new RateBudgets());
		expect(mockClock.slept).toEqual([]);
	});

	it('uses the window length of the credential (a time-scaled sandbox)', async () => {
		const { context } = setup(
			[
				{ statusCode: 200, headers: rateHeaders(1, 0), body: { data: {} } },
				{ statusCode: 200, headers: rateHeaders(1, 0), body: { data: {} } },
			],
			{ rateLimitWindowSeconds: 2 },
		);
		await send(context, 'support', readTicket);
		await send(context, 'support', readTicket);
		expect(mockClock.slept).toEqual([2000]);
	});

	it('fails the item instead of waiting longer than the configured maximum', async () => {
		const { context, sent } = setup([
			{ statusCode: 429, headers: { ...rateHeaders(30, 0), 'retry-after': '600' } },
		]);
		const error = await failure(send(context, 'support', createTicket, { maxWaitSeconds: 60 }));
		expect(sent).toHaveLength(1);
		expect(mockClock.slept).toEqual([]);
		expect(error.message).toBe(
			'The Velents rate limit is spent: could not create a ticket without waiting 600 s',
		);
		expect(error.description).toContain('Max Rate-Limit Wait');
	});

	it('gives up after repeated 429s with a clear message', async () => {
		const limited = { statusCode: 429, headers: { 'retry-after': '1' } };
		const { context, sent } = setup([limited, limited, limited]);
		const error = await failure(send(context, 'support', createTicket, { maxRateLimitRetries: 2 }));
		expect(sent).toHaveLength(3);
		expect(error.message).toBe(
			'Velents kept answering "too many requests" (429) to create a ticket',
		);
	});
});

describe('pagination', () => {
	const page = (current: number, last: number, ids: number[]): ScriptedAnswer => ({
		statusCode: 200,
		body: {
			data: ids.map((id) => ({ id })),
			meta: { current_page: current, last_page: last, per_page: 2, total: 5 },
			links: { next: current < last ? `?page=${current + 1}` : null },
		},
	});

	it('Return All reads every page in order', async () => {
		const { context, sent } = setup([page(1, 3, [1, 2]), page(2, 3, [3, 4]), page(3, 3, [5])]);
		const records = await sendAllPages(context, 'support', readTicket);
		expect(records).toEqual([1, 2, 3, 4, 5].map((id) => ({ id })));
		expect(sent.map((request) => request.qs)).toEqual([
			{ page: 1, per_page: 100 },
			{ page: 2, per_page: 100 },
			{ page: 3, per_page: 100 },
		]);
	});

	it('a limit stops reading pages as soon as it is reached', async () => {
		const { context, sent } = setup([page(1, 3, [1, 2]), page(2, 3, [3, 4])]);
		const records = await sendAllPages(context, 'support', readTicket, 3);
		expect(records).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }]);
		expect(sent).toHaveLength(2);
		expect(sent[0].qs).toEqual({ page: 1, per_page: 3 });
	});

	it('follows links.next when there is no meta', async () => {
		const { context, sent } = setup([
			{ statusCode: 200, body: { data: [{ id: 1 }], links: { next: '?page=2' } } },
			{ statusCode: 200, body: { data: [{ id: 2 }], links: { next: null } } },
		]);
		expect(await sendAllPages(context, 'support', readTicket)).toEqual([{ id: 1 }, { id: 2 }]);
		expect(sent).toHaveLength(2);
	});
});

describe('pagination that never ends', () => {
	it('more than Max Pages pages is an error naming the limit, never an endless loop', async () => {
		const pages = Array.from(
			{ length: 5 },
			(_, index): ScriptedAnswer => ({
				statusCode: 200,
				body: { data: [{ id: index }], links: { next: 'more' } },
			}),
		);
		const { context, sent } = setup(pages);
		const error = await failure(
			sendAllPages(context, 'support', readTicket, undefined, { maxPages: 3 }),
		);
		expect(sent).toHaveLength(3);
		expect(error.message).toBe(
			'Velents kept sending more pages to read tickets: stopped after 3 pages (3 records)',
		);
		expect(error.description).toContain('Return All reads at most 3 pages');
	});
});

describe('the Base URL of the credential', () => {
	it.each([
		['https://velents-agents.velents.ai', undefined],
		['http://127.0.0.1:5691/api', undefined],
		['', 'is empty'],
		['velents-agents.velents.ai', '"velents-agents.velents.ai" is not a URL'],
		['ftp://velents.test', '"ftp://velents.test" is not an http(s) URL'],
		['https://velents.test/?a=1', '"https://velents.test/?a=1" has a query string (from "?")'],
		['https://velents.test/?', '"https://velents.test/?" has a query string (from "?")'],
		['https://velents.test/#x', '"https://velents.test/#x" has a fragment (from "#")'],
		['https://user:pass@velents.test', 'contains a user name or password'],
	])('%s: %s', (url, problem) => {
		expect(baseUrlProblem(url)).toBe(problem);
	});

	it('is trimmed and loses its trailing slashes', async () => {
		const { context, sent } = setup([{ statusCode: 200, body: { data: {} } }], {
			baseUrl: '  https://velents.test/api//  ',
		});
		await send(context, 'support', readTicket);
		expect(sent[0].baseURL).toBe('https://velents.test/api');
	});
});

describe('redaction of the credential’s secrets', () => {
	const secrets = ['secret-token-never-shown', 'abc'];

	it('replaces long secrets inside texts and keys, short ones only as whole values', () => {
		expect(
			redact(
				{
					authorization: 'Bearer secret-token-never-shown',
					'secret-token-never-shown': ['abc', 'abcdef'],
				},
				secrets,
			),
		).toEqual({ authorization: 'Bearer [redacted]', '[redacted]': ['[redacted]', 'abcdef'] });
	});

	it('walks 100,000 levels of nesting without overflowing the stack', () => {
		let nested: unknown = 'secret-token-never-shown';
		for (let depth = 0; depth < 100_000; depth++) nested = { n: nested };
		let redacted = redact(nested, secrets) as { n: unknown } | string;
		while (typeof redacted !== 'string') redacted = redacted.n as { n: unknown } | string;
		expect(redacted).toBe('[redacted]');
	});

	it('leaves the answer as it is when the credential has no secret', () => {
		const answer = { data: { id: 1 } };
		expect(redact(answer, [])).toBe(answer);
	});
});
