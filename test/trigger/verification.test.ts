/**
 * The webhook secret check and what it costs: the credential is read at most once per interval while
 * events carry its secret, a changed secret works at once, an old one stops within the interval, and
 * no execution ever starts for an event without the secret.
 */
import { SECRET_MEMORY_MS, SecretMemory } from '../../nodes/VelentsAgentTrigger/verification';
import { FORWARDED_VERIFICATION_HEADER } from '../../nodes/shared/webhookSecret';
import type { WebhookContextOptions } from './context';
import { deliver, jsonRequest, newWorkflowId } from './context';
import { referenceEvent } from '../../tools/contract/reference';

/** A SecretMemory on a clock the test moves, and a credential whose secret the test changes. */
function harness(initialSecret: string) {
	let now = Date.parse('2026-01-01T00:00:00Z');
	let secret = initialSecret;
	let reads = 0;
	const memory = new SecretMemory(SECRET_MEMORY_MS, () => now);
	const read = async () => {
		reads++;
		return secret;
	};
	return {
		verify: async (headers: Record<string, unknown>) => await memory.verify('cred', headers, read),
		advance: (ms: number) => void (now += ms),
		setSecret: (next: string) => void (secret = next),
		reads: () => reads,
	};
}

const carrying = (secret: string) => ({ 'x-velents-authorization': secret });

describe('SecretMemory', () => {
	test('events carrying the secret: one credential read per interval', async () => {
		const h = harness('s3cret');
		for (let index = 0; index < 100; index++) {
			expect(await h.verify(carrying('s3cret'))).toBe(true);
			h.advance(10);
		}
		expect(h.reads()).toBe(1);
		h.advance(SECRET_MEMORY_MS);
		expect(await h.verify(carrying('s3cret'))).toBe(true);
		expect(h.reads()).toBe(2);
	});

	test('the forwarded header counts as well; a prefix, another header or a list does not', async () => {
		const h = harness('s3cret');
		expect(await h.verify({ [FORWARDED_VERIFICATION_HEADER]: 's3cret' })).toBe(true);
		expect(await h.verify(carrying('s3cre'))).toBe(false);
		expect(await h.verify({ authorization: 's3cret' })).toBe(false);
		expect(await h.verify({ 'x-velents-authorization': ['s3cret', 's3cret'] })).toBe(false);
		expect(await h.verify({})).toBe(false);
	});

	test('a new secret works at once: a mismatch reads the credential again before answering', async () => {
		const h = harness('old-secret');
		expect(await h.verify(carrying('old-secret'))).toBe(true);
		h.setSecret('new-secret');
		h.advance(1);
		expect(await h.verify(carrying('new-secret'))).toBe(true);
		expect(h.reads()).toBe(2);
	});

	test('an old secret stops working within the interval', async () => {
		const h = harness('old-secret');
		expect(await h.verify(carrying('old-secret'))).toBe(true);
		h.setSecret('new-secret');
		h.advance(SECRET_MEMORY_MS - 1);
		expect(await h.verify(carrying('old-secret'))).toBe(true);
		h.advance(1);
		expect(await h.verify(carrying('old-secret'))).toBe(false);
	});

	test('no secret: every event passes; a secret added since is required within the interval', async () => {
		const h = harness('');
		expect(await h.verify({})).toBe(true);
		h.setSecret('s3cret');
		h.advance(SECRET_MEMORY_MS);
		expect(await h.verify({})).toBe(false);
		expect(await h.verify(carrying('s3cret'))).toBe(true);
	});

	test('wrong secrets share one read at a time: 50 concurrent bad requests, 1 read', async () => {
		const h = harness('s3cret');
		const answers = await Promise.all(
			Array.from({ length: 50 }, async () => await h.verify(carrying('guess'))),
		);
		expect(answers.every((answer) => answer === false)).toBe(true);
		expect(h.reads()).toBe(1);
	});

	test('a failing credential read fails the request and is not remembered', async () => {
		let fail = true;
		const memory = new SecretMemory();
		const read = async () => {
			if (fail) throw new Error('Credential not found');
			return 's3cret';
		};
		await expect(memory.verify('cred', carrying('s3cret'), read)).rejects.toThrow('not found');
		fail = false;
		await expect(memory.verify('cred', carrying('s3cret'), read)).resolves.toBe(true);
	});
});

describe('through webhook(): what an event costs, in the order of the checks', () => {
	function counted(options: WebhookContextOptions = {}) {
		let reads = 0;
		const workflowId = newWorkflowId();
		return {
			options: (more: WebhookContextOptions = {}): WebhookContextOptions => ({
				workflowId,
				credentials: { webhookSecret: 's3cret' },
				onCredentialRead: () => void reads++,
				...options,
				...more,
			}),
			reads: () => reads,
		};
	}
	const event = (conversationId: number) => {
		const payload = referenceEvent('onMessage');
		payload.conversation.id = conversationId;
		return payload;
	};

	test('100 events with the secret: one credential read, 100 executions', async () => {
		const trigger = counted();
		for (let index = 0; index < 100; index++) {
			const call = await deliver(jsonRequest(event(index), carrying('s3cret')), trigger.options());
			expect(call.result.workflowData).toBeDefined();
		}
		expect(trigger.reads()).toBe(1);
	});

	test('events not selected cost no read once the secret is known', async () => {
		const trigger = counted({ parameters: { events: ['onEnded'] } });
		for (let index = 0; index < 20; index++) {
			const call = await deliver(jsonRequest(event(index), carrying('s3cret')), trigger.options());
			expect(call.response.body).toEqual({ received: true, ignored: 'event not selected' });
		}
		expect(trigger.reads()).toBe(1);
	});

	test('an unauthenticated event gets 401 before its body is looked at, and starts nothing', async () => {
		const trigger = counted();
		for (const body of [event(1), { not: 'an event' }]) {
			const call = await deliver(jsonRequest(body, carrying('guess')), trigger.options());
			expect(call.response.statusCode).toBe(401);
			expect(call.result).toEqual({ noWebhookResponse: true });
		}
	});

	test('an unauthenticated copy of an event is not remembered: the real one still starts the workflow', async () => {
		const trigger = counted();
		await deliver(jsonRequest(event(7), carrying('guess')), trigger.options());
		const real = await deliver(jsonRequest(event(7), carrying('s3cret')), trigger.options());
		expect(real.result.workflowData).toBeDefined();
	});

	test('triggers sharing a credential share its read; each credential is read for itself', async () => {
		let reads = 0;
		const onCredentialRead = () => void reads++;
		const options = { credentials: { webhookSecret: 's3cret' }, onCredentialRead };
		const request = () => jsonRequest(event(1), carrying('s3cret'));
		await deliver(request(), { ...options, credentialId: 'shared-credential' });
		await deliver(request(), { ...options, credentialId: 'shared-credential' });
		expect(reads).toBe(1);
		await deliver(request(), { ...options, credentialId: 'another-credential' });
		expect(reads).toBe(2);
	});
});
