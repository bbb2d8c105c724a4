/**
 * What a hostile or broken server can do to a workflow, inside n8n's real engine against the
 * sandbox with faults: never hang, never repeat a POST, never leak the token or the webhook secret,
 * never let one answer block the credential, never loop, never crash the run. One `describe` per
 * defect found by the outside attack (the numbers of the hardening issue).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import type { IDataObject } from 'n8n-workflow';

import {
	DEFAULT_AGENT_TOKEN,
	DEFAULT_SUPPORT_TOKEN,
	startSandbox,
	type Sandbox,
} from '../../tools/sandbox/server';
import { items, linearWorkflow, runFlow, type Step } from '../../tools/harness/workflows';

const SUPPORT = 'n8n-nodes-velents.velentsSupport';
const AGENT = 'n8n-nodes-velents.velentsAgent';
const WEBHOOK_SECRET = 'n8n-side-webhook-secret';

let sandbox: Sandbox;
/** Another origin: where a redirect points. It must never be reached. */
let elsewhere: http.Server;
let elsewhereUrl = '';
const reachedElsewhere: http.IncomingHttpHeaders[] = [];

beforeAll(async () => {
	sandbox = await startSandbox();
	elsewhere = http.createServer((request, response) => {
		reachedElsewhere.push(request.headers);
		response.end('{"data":{}}');
	});
	await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
	elsewhereUrl = `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}`;
});
afterAll(async () => {
	await sandbox.close();
	elsewhere.closeAllConnections();
	await new Promise((resolve) => elsewhere.close(resolve));
});
beforeEach(() => {
	sandbox.reset();
	reachedElsewhere.length = 0;
});

const support = (overrides: IDataObject = {}) => ({
	velentsSupportApi: {
		token: DEFAULT_SUPPORT_TOKEN,
		baseUrl: sandbox.url,
		rateLimitWindowSeconds: 60,
		...overrides,
	},
});
const agent = () => ({
	velentsAgentApi: {
		token: DEFAULT_AGENT_TOKEN,
		baseUrl: sandbox.url,
		rateLimitWindowSeconds: 60,
		webhookSecret: WEBHOOK_SECRET,
	},
});

const supportStep = (parameters: Step['parameters'], onError?: Step['onError']): Step => ({
	name: 'Support',
	type: SUPPORT,
	parameters: { requestSettings: { timeoutSeconds: 1 }, ...parameters },
	onError,
});
const createTicket = { resource: 'ticket', operation: 'create', subject: 'Order 1212' };
const getTicket = (id: string) => ({
	resource: 'ticket',
	operation: 'get',
	ticketId: { mode: 'id', value: id },
});
const tokenInfo = { resource: 'account', operation: 'getTokenInfo' };
const allTickets = { resource: 'ticket', operation: 'getAll', returnAll: true };

const dispatchStep: Step = {
	name: 'Dispatch',
	type: AGENT,
	parameters: {
		operation: 'dispatch',
		channelId: 3,
		phone: '+201145803442',
		variablesInput: 'json',
		variablesJson: '{"company_name": "acme", "order_id": "1212"}',
		webhook: { link: 'https://n8n.example.com/webhook/velents' },
	},
};

const posts = (path: string) => sandbox.requests({ method: 'POST', path });

describe('1. every request has a deadline', () => {
	it('a read that gets no answer is retried, and the item succeeds', async () => {
		sandbox.injectFault({ method: 'GET', path: '/Company/TenantAuth/me', latencyMs: 30_000 });
		const result = await runFlow(linearWorkflow(supportStep(tokenInfo)), support());
		expect(result.error).toBeUndefined();
		expect(sandbox.requests({ method: 'GET', path: '/Company/TenantAuth/me' })).toHaveLength(2);
	});

	it('a create that gets no answer fails within the timeout, says it may have been processed, and is never resent', async () => {
		sandbox.injectFault({
			method: 'POST',
			path: '/Company/Support/Tickets',
			latencyMs: 30_000,
			afterProcessing: true,
		});
		const started = Date.now();
		const result = await runFlow(linearWorkflow(supportStep(createTicket)), support());
		expect(Date.now() - started).toBeLessThan(10_000);
		expect(result.error?.message).toBe(
			'Velents did not answer within 1 s while trying to create a ticket; it was not repeated',
		);
		expect(result.error?.description).toContain('Velents may have received it already');
		expect(posts('/Company/Support/Tickets')).toHaveLength(1);
		expect(sandbox.tickets()).toHaveLength(1);
	});
});

describe('2. redirects are never followed', () => {
	it.each([302, 303, 307, 308])(
		'a Dispatch answered %i reaches Velents once, the target never, and the error says why',
		async (status) => {
			sandbox.injectFault({
				method: 'POST',
				path: '/Integration/Agent/Dispatch',
				status,
				headers: { location: `${elsewhereUrl}/Integration/Agent/Dispatch` },
			});
			const result = await runFlow(linearWorkflow(dispatchStep), agent());
			expect(result.error?.message).toBe(
				`Velents answered ${status} to the request to dispatch a conversation, redirecting to ${elsewhereUrl}`,
			);
			expect(result.error?.description).toContain('Redirects are not followed');
			expect(posts('/Integration/Agent/Dispatch')).toHaveLength(1);
			expect(reachedElsewhere).toHaveLength(0);
		},
	);

	it('a redirect to an unreachable target is one request, not four', async () => {
		sandbox.injectFault({
			method: 'POST',
			path: '/Company/Support/Tickets',
			status: 307,
			headers: { location: 'http://127.0.0.1:1/Company/Support/Tickets' },
		});
		const result = await runFlow(linearWorkflow(supportStep(createTicket)), support());
		expect(result.status).toBe('error');
		expect(posts('/Company/Support/Tickets')).toHaveLength(1);
	});

	it('a read redirected to another origin never carries the token there', async () => {
		sandbox.injectFault({
			method: 'GET',
			path: '/Company/TenantAuth/me',
			status: 302,
			headers: { location: `${elsewhereUrl}/me` },
		});
		const result = await runFlow(linearWorkflow(supportStep(tokenInfo)), support());
		expect(result.status).toBe('error');
		expect(reachedElsewhere).toHaveLength(0);
	});
});

describe('3. no secret in what n8n saves', () => {
	/** Everything n8n keeps of a run: the error and every output item, as JSON. */
	const saved = (result: Awaited<ReturnType<typeof runFlow>>, node: string) =>
		JSON.stringify({ error: result.error, output: result.outputOf(node) });

	it.each([400, 401, 403, 404, 422, 500, 502])(
		'an error body %i that echoes the request (token, webhook secret) is redacted',
		async (status) => {
			sandbox.injectFault({
				method: 'POST',
				path: '/Integration/Agent/Dispatch',
				status,
				count: 20,
				echoRequest: true,
				body: {
					message: `debug: Authorization: Bearer ${DEFAULT_AGENT_TOKEN}, secret ${WEBHOOK_SECRET}`,
					errors: { webhook: [`header value ${WEBHOOK_SECRET} rejected`] },
				},
			});
			const result = await runFlow(
				linearWorkflow({
					...dispatchStep,
					parameters: { ...dispatchStep.parameters, requestSettings: { maxWaitSeconds: 0 } },
				}),
				agent(),
			);
			expect(result.status).toBe('error');
			const text = saved(result, 'Dispatch');
			expect(text).not.toContain(DEFAULT_AGENT_TOKEN);
			expect(text).not.toContain(WEBHOOK_SECRET);
			expect(text).toContain('[redacted]');
		},
	);

	it('a Dispatch answer that echoes the webhook headers leaves the secret out of the output item', async () => {
		sandbox.injectFault({
			method: 'POST',
			path: '/Integration/Agent/Dispatch',
			status: 201,
			echoRequest: true,
			body: { data: { id: 9, webhook: { headers: { 'x-velents-n8n-secret': WEBHOOK_SECRET } } } },
		});
		const result = await runFlow(linearWorkflow(dispatchStep), agent());
		expect(result.error).toBeUndefined();
		const [item] = result.outputOf('Dispatch');
		expect(item.json).toMatchObject({
			id: 9,
			webhook: { headers: { 'x-velents-n8n-secret': '[redacted]' } },
		});
		expect(saved(result, 'Dispatch')).not.toContain(WEBHOOK_SECRET);
	});
});

describe('4. Retry-After cannot stall the credential', () => {
	it.each(['3600', '1e308'])(
		'Retry-After: %s fails the item at once, and the next run with the credential goes through',
		async (retryAfter) => {
			sandbox.injectFault({
				method: 'GET',
				path: '/Company/TenantAuth/me',
				status: 429,
				headers: { 'retry-after': retryAfter },
			});
			// A window of 1 s: how long one absurd Retry-After may hold the credential at most.
			const credentials = support({ rateLimitWindowSeconds: 1 });
			const started = Date.now();
			const first = await runFlow(linearWorkflow(supportStep(tokenInfo)), credentials);
			expect(first.error?.message).toMatch(
				/^The Velents rate limit is spent: could not read the token information without waiting/,
			);
			expect(Date.now() - started).toBeLessThan(5_000);

			const second = await runFlow(linearWorkflow(supportStep(tokenInfo)), credentials);
			expect(second.error).toBeUndefined();
			expect(Date.now() - started).toBeLessThan(10_000);
			expect(sandbox.requests({ method: 'GET', path: '/Company/TenantAuth/me' })).toHaveLength(2);
		},
	);
});

describe('5. Return All always ends', () => {
	const onePage = (meta?: IDataObject) => ({
		data: [{ public_id: 'TCK-000001', subject: 'Same page' }],
		links: { next: 'http://velents.test/Company/Support/Tickets?page=2' },
		...(meta ? { meta } : {}),
	});

	it('a server that ignores `page` and always links a next page: the repeated page ends the list', async () => {
		sandbox.injectFault({
			method: 'GET',
			path: '/Company/Support/Tickets',
			status: 200,
			count: 50,
			body: onePage(),
		});
		const result = await runFlow(linearWorkflow(supportStep(allTickets)), support());
		expect(result.error).toBeUndefined();
		expect(result.outputOf('Support')).toHaveLength(1);
		expect(sandbox.requests({ method: 'GET', path: '/Company/Support/Tickets' })).toHaveLength(2);
	});

	it('a server that answers page 1 to every page number: the list ends', async () => {
		const meta = { current_page: 1, last_page: 9, per_page: 100, total: 900 };
		sandbox.injectFault({
			method: 'GET',
			path: '/Company/Support/Tickets',
			status: 200,
			count: 50,
			body: onePage(meta),
		});
		const result = await runFlow(linearWorkflow(supportStep(allTickets)), support());
		expect(result.outputOf('Support')).toHaveLength(1);
		expect(sandbox.requests({ method: 'GET', path: '/Company/Support/Tickets' })).toHaveLength(2);
	});
});

describe('6. answers that are not objects never crash the run', () => {
	it.each([
		['{"data": null}', { data: null }],
		['[1, "x", null]', [1, 'x', null]],
		['{"data": "ok"}', { data: 'ok' }],
		['{"data": [1]}', { data: [1] }],
	])(
		'Get Token Info answered %s: a clear error on that item; with Continue On Fail the next item goes on',
		async (_, body) => {
			sandbox.injectFault({ method: 'GET', path: '/Company/TenantAuth/me', status: 200, body });
			const result = await runFlow(
				linearWorkflow(supportStep(tokenInfo, 'continueRegularOutput')),
				support(),
				items({ n: 1 }, { n: 2 }),
			);
			expect(result.status).toBe('success');
			const [failed, next] = result.outputOf('Support');
			expect(failed.json.error).toMatch(
				/^Velents answered the request to read the token information in an unexpected shape: its data is /,
			);
			expect(next.json).toMatchObject({ tenant_id: expect.any(Number) });
		},
	);

	it('a list that holds no objects is an error naming the entry, not items of letters', async () => {
		sandbox.injectFault({
			method: 'GET',
			path: '/Company/Support/Tickets',
			status: 200,
			body: { data: [1, 'x', null] },
		});
		const result = await runFlow(linearWorkflow(supportStep(allTickets)), support());
		expect(result.error?.message).toBe(
			'Velents answered the request to read tickets in an unexpected shape: entry 0 of page 1 is a number, not an object',
		);
	});

	it('a Create Ticket whose 201 carries no ticket reports the creation as done, not as a failure', async () => {
		sandbox.injectFault({
			method: 'POST',
			path: '/Company/Support/Tickets',
			status: 201,
			afterProcessing: true,
			body: { data: 'ok' },
		});
		const result = await runFlow(linearWorkflow(supportStep(createTicket)), support());
		expect(result.error).toBeUndefined();
		expect(result.outputOf('Support')[0].json).toEqual({
			public_id: null,
			conversation_id: null,
			accepted: true,
			statusCode: 201,
			notice: expect.stringContaining('It was done: do not run it again'),
		});
		expect(sandbox.tickets()).toHaveLength(1);
	});
});

describe('7. ids and the Base URL cannot send requests elsewhere', () => {
	it.each(['.', '..', ' .. ', '...'])(
		'ticket id "%s" is refused before any request',
		async (id) => {
			const result = await runFlow(linearWorkflow(supportStep(getTicket(id))), support());
			expect(result.error?.message).toBe(`Item 0: Ticket "${id.trim()}" is not an ID`);
			expect(sandbox.requests()).toHaveLength(0);
		},
	);

	it('conversation id ".." is refused before any request', async () => {
		const result = await runFlow(
			linearWorkflow(
				supportStep({
					resource: 'conversation',
					operation: 'sendMessage',
					conversationId: '..',
					message: 'Hi',
				}),
			),
			support(),
		);
		expect(result.error?.message).toBe('Item 0: Conversation ID ".." is not an ID');
		expect(sandbox.requests()).toHaveLength(0);
	});

	it('a Base URL with spaces around it works', async () => {
		const result = await runFlow(
			linearWorkflow(supportStep(tokenInfo)),
			support({ baseUrl: `  ${sandbox.url}/  ` }),
		);
		expect(result.error).toBeUndefined();
	});

	it.each([
		['?tenant=2', 'has a query string (from "?")'],
		['#x', 'has a fragment (from "#")'],
	])('a Base URL with %s is refused naming the credential field', async (suffix, problem) => {
		const baseUrl = `${sandbox.url}/${suffix}`;
		const result = await runFlow(linearWorkflow(supportStep(tokenInfo)), support({ baseUrl }));
		expect(result.error?.message).toBe(
			`The Base URL of the "Velents Support API" credential "${baseUrl}" ${problem}`,
		);
		expect(sandbox.requests()).toHaveLength(0);
	});
});

describe('8. an answer of any size is never held whole', () => {
	/** Four times the limit: n8n's own helper would buffer all of it. */
	const HUGE = 64 * 1024 * 1024;
	const patient = { requestSettings: { timeoutSeconds: 60 } };

	it('a 64 MB Get Token Info answer fails that item within seconds; with Continue On Fail the next goes on', async () => {
		sandbox.injectFault({
			method: 'GET',
			path: '/Company/TenantAuth/me',
			status: 200,
			body: { data: { tenant_id: 1 } },
			paddingBytes: HUGE,
		});
		const started = Date.now();
		const result = await runFlow(
			linearWorkflow(supportStep({ ...tokenInfo, ...patient }, 'continueRegularOutput')),
			support(),
			items({ n: 1 }, { n: 2 }),
		);
		expect(Date.now() - started).toBeLessThan(20_000);
		const [failed, next] = result.outputOf('Support');
		expect(failed.json.error).toBe(
			'The answer to the request to read the token information was larger than 16 MB and was not read',
		);
		expect(next.json).toMatchObject({ tenant_id: expect.any(Number) });
	});

	it('a Dispatch answered with 64 MB says it may have been processed and is sent once', async () => {
		sandbox.injectFault({
			method: 'POST',
			path: '/Integration/Agent/Dispatch',
			status: 201,
			afterProcessing: true,
			body: { data: { id: 1 } },
			paddingBytes: HUGE,
		});
		const result = await runFlow(
			linearWorkflow({
				...dispatchStep,
				parameters: { ...dispatchStep.parameters, ...patient },
			}),
			agent(),
		);
		expect(result.error?.message).toBe(
			'The answer to the request to dispatch a conversation was larger than 16 MB and was not read',
		);
		expect(result.error?.description).toContain('Velents may have acted on the request');
		expect(posts('/Integration/Agent/Dispatch')).toHaveLength(1);
	});

	it('an answer just under the limit is read as usual', async () => {
		sandbox.injectFault({
			method: 'GET',
			path: '/Company/TenantAuth/me',
			status: 200,
			body: { data: { tenant_id: 7 } },
			paddingBytes: 15 * 1024 * 1024,
		});
		const result = await runFlow(
			linearWorkflow(supportStep({ ...tokenInfo, ...patient })),
			support(),
		);
		expect(result.error).toBeUndefined();
		expect(result.outputOf('Support')[0].json).toMatchObject({ tenant_id: 7 });
	});
});
