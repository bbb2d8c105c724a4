/**
 * Activation (webhookMethods.default): Velents has no webhook registration API, so activation checks
 * the credential against the agent configuration and remembers the agent; deactivation forgets it.
 */
import { NodeApiError } from 'n8n-workflow';

import { VelentsAgentTrigger } from '../../nodes/VelentsAgentTrigger/VelentsAgentTrigger.node';
import type { HttpResponseStub, NetworkFailureStub } from './context';
import { agentConfiguration, hookContext } from './context';

const { checkExists, create, delete: remove } = new VelentsAgentTrigger().webhookMethods.default;

const UNAUTHORISED = { statusCode: 401, body: { message: 'Unauthenticated.' } };

describe('create (first activation)', () => {
	test('reads the agent configuration with the credential and remembers the agent’s id and public name', async () => {
		const hook = hookContext({ responses: [agentConfiguration(4, 'boddy_rahsaan_Agent_4')] });

		await expect(create.call(hook.context)).resolves.toBe(true);

		expect(hook.requests).toEqual([
			expect.objectContaining({
				method: 'GET',
				baseURL: 'https://velents-agents.velents.ai',
				url: '/Integration/Agent',
			}),
		]);
		expect(hook.staticData).toEqual({ agentId: '4', agentPublic: 'boddy_rahsaan_Agent_4' });
	});

	test('a wrong token fails the activation with a clear message, remembering nothing', async () => {
		const hook = hookContext({ responses: [UNAUTHORISED] });

		const failure = create.call(hook.context);

		await expect(failure).rejects.toBeInstanceOf(NodeApiError);
		await expect(failure).rejects.toMatchObject({
			message: 'Velents rejected the token of the "Velents Agent API" credential (401)',
			description: expect.stringContaining('Check the Agent Token'),
			httpCode: '401',
		});
		expect(hook.staticData).toEqual({});
	});

	test('replaces the identity of a previous agent (the credential was changed)', async () => {
		const hook = hookContext({
			responses: [agentConfiguration(5, 'new_Agent_5')],
			staticData: { agentId: '4', agentPublic: 'boddy_rahsaan_Agent_4', unrelated: 'kept' },
		});
		await create.call(hook.context);
		expect(hook.staticData).toEqual({
			agentId: '5',
			agentPublic: 'new_Agent_5',
			unrelated: 'kept',
		});
	});

	test('a configuration without id or public name activates, remembers nothing, and warns', async () => {
		const hook = hookContext({
			responses: [{ statusCode: 200, body: { data: { name: 'Booking agent' } } }],
		});
		await expect(create.call(hook.context)).resolves.toBe(true);
		expect(hook.staticData).toEqual({});
		expect(hook.warnings).toEqual([expect.stringContaining('cannot filter')]);
	});
});

describe('checkExists (every activation, including n8n restarts)', () => {
	test('false when nothing is remembered yet, so that n8n calls create', async () => {
		const hook = hookContext({ responses: [agentConfiguration()] });
		await expect(checkExists.call(hook.context)).resolves.toBe(false);
	});

	test('true when the remembered agent is still the credential’s agent', async () => {
		const hook = hookContext({
			responses: [agentConfiguration(4, 'boddy_rahsaan_Agent_4')],
			staticData: { agentId: '4', agentPublic: 'boddy_rahsaan_Agent_4' },
		});
		await expect(checkExists.call(hook.context)).resolves.toBe(true);
		expect(hook.requests).toHaveLength(1);
	});

	test('false when the credential now belongs to another agent', async () => {
		const hook = hookContext({
			responses: [agentConfiguration(5, 'new_Agent_5')],
			staticData: { agentId: '4', agentPublic: 'boddy_rahsaan_Agent_4' },
		});
		await expect(checkExists.call(hook.context)).resolves.toBe(false);
	});

	test('a token that went wrong since the last activation fails this activation', async () => {
		const hook = hookContext({
			responses: [UNAUTHORISED],
			staticData: { agentId: '4', agentPublic: 'boddy_rahsaan_Agent_4' },
		});
		await expect(checkExists.call(hook.context)).rejects.toThrow(
			'Velents rejected the token of the "Velents Agent API" credential (401)',
		);
	});
});

describe('activation during a Velents outage: the webhook is registered all the same', () => {
	const OUTAGES: Array<[string, HttpResponseStub | NetworkFailureStub]> = [
		['a 503', { statusCode: 503, body: { message: 'Service Unavailable' } }],
		['a 500', { statusCode: 500, body: 'upstream error' }],
		['a refused connection', { networkError: 'ECONNREFUSED' }],
		['a reset connection', { networkError: 'ECONNRESET' }],
		['a 404 (the Base URL answers, but not as Velents)', { statusCode: 404, body: 'Not Found' }],
	];
	const REMEMBERED = { agentId: '4', agentPublic: 'boddy_rahsaan_Agent_4' };

	test.each(OUTAGES)(
		'%s at checkExists: activates with the agent remembered before, and logs it',
		async (_case, outage) => {
			const hook = hookContext({ responses: [outage], staticData: { ...REMEMBERED } });

			await expect(checkExists.call(hook.context)).resolves.toBe(true);

			expect(hook.staticData).toEqual(REMEMBERED);
			expect(hook.warnings).toEqual([
				expect.stringContaining('uses the agent remembered from an earlier activation (id 4'),
			]);
		},
	);

	test.each(OUTAGES)(
		'%s at create with nothing remembered: activates without an agent, and logs that the filter cannot work',
		async (_case, outage) => {
			const hook = hookContext({ responses: [outage] });

			await expect(create.call(hook.context)).resolves.toBe(true);

			expect(hook.staticData).toEqual({});
			expect(hook.warnings).toEqual([
				expect.stringContaining('"Only This Agent’s Events" cannot filter'),
			]);
		},
	);

	test('after an outage, the next activation that reaches Velents remembers the agent', async () => {
		const staticData = {};
		const outage = hookContext({ responses: [{ networkError: 'ECONNREFUSED' }], staticData });
		expect(await checkExists.call(outage.context)).toBe(true);
		const restored = hookContext({ responses: [agentConfiguration()], staticData });
		expect(await checkExists.call(restored.context)).toBe(false);
		expect(await create.call(restored.context)).toBe(true);
		expect(staticData).toEqual(REMEMBERED);
	});

	test.each([
		['401', { statusCode: 401, body: { message: 'Unauthenticated.' } }],
		['403', { statusCode: 403, body: { message: 'Forbidden.' } }],
	])('a %s (a rejected token) still fails the activation', async (code, answer) => {
		const hook = hookContext({ responses: [answer], staticData: { ...REMEMBERED } });
		await expect(checkExists.call(hook.context)).rejects.toMatchObject({ httpCode: code });
		await expect(create.call(hook.context)).rejects.toMatchObject({ httpCode: code });
		expect(hook.warnings).toEqual([]);
	});
});

describe('delete (deactivation)', () => {
	test('forgets the agent and leaves the rest of the static data', async () => {
		const hook = hookContext({
			responses: [],
			staticData: { agentId: '4', agentPublic: 'boddy_rahsaan_Agent_4', unrelated: 'kept' },
		});
		await expect(remove.call(hook.context)).resolves.toBe(true);
		expect(hook.staticData).toEqual({ unrelated: 'kept' });
		expect(hook.requests).toEqual([]);
	});

	test('succeeds when nothing was remembered', async () => {
		const hook = hookContext({ responses: [] });
		await expect(remove.call(hook.context)).resolves.toBe(true);
	});
});

describe('the whole cycle', () => {
	test('activate → check → deactivate → check', async () => {
		const staticData = {};
		const activate = hookContext({ responses: [agentConfiguration()], staticData });
		expect(await checkExists.call(activate.context)).toBe(false);
		expect(await create.call(activate.context)).toBe(true);
		expect(await checkExists.call(activate.context)).toBe(true);
		expect(await remove.call(activate.context)).toBe(true);
		expect(await checkExists.call(activate.context)).toBe(false);
		expect(staticData).toEqual({});
	});
});
