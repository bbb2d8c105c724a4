/**
 * Repeated deliveries. Velents sends no event id: a redelivery is the same body again, byte for byte,
 * within the window. Each case below was a measured defect of the earlier key (type, about, agent,
 * conversation id, hash of `result`), kept here as the specification of the current one.
 */
import {
	DELIVERY_LIMITS,
	DeliveryMemory,
	deliveryKey,
} from '../../nodes/VelentsAgentTrigger/deduplication';
import type { WebhookCall } from './context';
import { deliver, jsonRequest, newWorkflowId } from './context';
import { referenceEvent } from '../../tools/contract/reference';

/** An onMessage event as Velents sends it, with the given conversation and message. */
function messageEvent(conversation: Record<string, unknown>, customer = 'yes', second = 10) {
	const event = referenceEvent('onMessage') as unknown as Record<string, Record<string, unknown>>;
	event.conversation = { ...event.conversation, ...conversation };
	event.result.message = {
		customer,
		agent: 'تمام',
		timestamp: `2025-11-13T23:25:${String(second).padStart(2, '0')}Z`,
	};
	return event;
}

function started(call: WebhookCall): boolean {
	return call.result.workflowData !== undefined;
}

function isDuplicateAnswer(call: WebhookCall): boolean {
	return !started(call) && (call.response.body as { ignored?: string }).ignored === 'duplicate';
}

describe('a true redelivery is dropped', () => {
	test('a byte-identical event within the window starts one execution', async () => {
		const workflowId = newWorkflowId();
		const request = jsonRequest(messageEvent({ id: 4 }));
		expect(started(await deliver(request, { workflowId }))).toBe(true);
		expect(isDuplicateAnswer(await deliver(request, { workflowId }))).toBe(true);
	});

	test('…even after 5,000 other events of the same trigger', async () => {
		const workflowId = newWorkflowId();
		const first = jsonRequest(messageEvent({ id: 1 }));
		expect(started(await deliver(first, { workflowId }))).toBe(true);
		for (let index = 0; index < 5_000; index++) {
			const other = jsonRequest(messageEvent({ id: 1_000 + index }));
			expect(started(await deliver(other, { workflowId }))).toBe(true);
		}
		expect(isDuplicateAnswer(await deliver(first, { workflowId }))).toBe(true);
	});

	test('…even after 1,000 other trigger nodes received events in this process', async () => {
		const workflowId = newWorkflowId();
		const first = jsonRequest(messageEvent({ id: 2 }));
		expect(started(await deliver(first, { workflowId }))).toBe(true);
		for (let index = 0; index < 1_000; index++) {
			await deliver(jsonRequest(messageEvent({ id: 2 })), { workflowId: newWorkflowId() });
		}
		expect(isDuplicateAnswer(await deliver(first, { workflowId }))).toBe(true);
	});
});

describe('events that differ in anything Velents sends are both delivered', () => {
	test.each([
		[
			'without conversation.id, the phones differ',
			messageEvent({ id: undefined, phone: '+201145803442' }),
			messageEvent({ id: undefined, phone: '+201145803443' }),
		],
		[
			'the same text in the same second, in two conversations',
			messageEvent({ id: 4 }),
			messageEvent({ id: 5 }),
		],
		[
			'the same text in the same second, the extraction moved on',
			messageEvent({ id: 4 }),
			{
				...messageEvent({ id: 4 }),
				result: { ...messageEvent({ id: 4 }).result, extraction: { x: 1 } },
			},
		],
		[
			'a field merged from the dispatch differs',
			{ ...messageEvent({ id: 4 }), crm_lead_id: 'L-1' },
			{ ...messageEvent({ id: 4 }), crm_lead_id: 'L-2' },
		],
	])('%s', async (_case, first, second) => {
		const workflowId = newWorkflowId();
		expect(started(await deliver(jsonRequest(first), { workflowId }))).toBe(true);
		expect(started(await deliver(jsonRequest(second), { workflowId }))).toBe(true);
	});

	test('conversation ids above 2^53 that JSON numbers cannot tell apart', async () => {
		const workflowId = newWorkflowId();
		const text = JSON.stringify(messageEvent({ id: 0 }));
		const withId = (id: string) => {
			const body = text.replace('"id":0', `"id":${id}`);
			return { body: JSON.parse(body) as unknown, rawBody: Buffer.from(body) };
		};
		expect(Number('9007199254740993')).toBe(Number('9007199254740992'));
		expect(started(await deliver(withId('9007199254740992'), { workflowId }))).toBe(true);
		expect(started(await deliver(withId('9007199254740993'), { workflowId }))).toBe(true);
	});
});

describe('events that cannot be told apart, and the option for them', () => {
	// The same text twice within one second in one conversation, nothing else changed: byte-identical.
	const sameTextSameSecond = () => jsonRequest(messageEvent({ id: 4 }, 'yes', 10));

	test('by default, the second is taken for a redelivery (the README says so)', async () => {
		const workflowId = newWorkflowId();
		expect(started(await deliver(sameTextSameSecond(), { workflowId }))).toBe(true);
		expect(isDuplicateAnswer(await deliver(sameTextSameSecond(), { workflowId }))).toBe(true);
	});

	test('with "Ignore Repeated Deliveries" off, both start the workflow', async () => {
		const workflowId = newWorkflowId();
		const parameters = { options: { ignoreRepeatedDeliveries: false } };
		expect(started(await deliver(sameTextSameSecond(), { workflowId, parameters }))).toBe(true);
		expect(started(await deliver(sameTextSameSecond(), { workflowId, parameters }))).toBe(true);
	});

	test('the same text one second later is another event', async () => {
		const workflowId = newWorkflowId();
		expect(started(await deliver(sameTextSameSecond(), { workflowId }))).toBe(true);
		const later = jsonRequest(messageEvent({ id: 4 }, 'yes', 11));
		expect(started(await deliver(later, { workflowId }))).toBe(true);
	});
});

describe('DeliveryMemory: one window, one bound, for every trigger node of the process', () => {
	const key = (scope: string, text: string) => deliveryKey(scope, Buffer.from(text));
	const HOUR = 60 * 60 * 1000;

	test('sized for 10,000 conversations × 50 events within one hour', () => {
		expect(DELIVERY_LIMITS).toEqual({ windowSeconds: 3600, capacity: 500_000 });
	});

	test('a key is 16 bytes of SHA-256 over the trigger node and the body', () => {
		expect(key('workflow-1\u0000node', '{}')).toHaveLength(16);
		expect(key('workflow-1\u0000node', '{}')).toBe(key('workflow-1\u0000node', '{}'));
		expect(key('workflow-1\u0000node', '{}')).not.toBe(key('workflow-2\u0000node', '{}'));
		expect(key('workflow-1\u0000node', '{}')).not.toBe(key('workflow-1\u0000node', '{ }'));
	});

	test('remembers a key for the window, then forgets it', () => {
		const memory = new DeliveryMemory({ windowSeconds: 3600, capacity: 10 });
		const start = Date.parse('2026-01-01T00:00:00Z');
		expect(memory.isDuplicate('a', start)).toBe(false);
		expect(memory.isDuplicate('a', start + HOUR - 1000)).toBe(true);
		expect(memory.isDuplicate('a', start + HOUR)).toBe(false);
		expect(memory.size).toBe(1);
	});

	test('past its capacity, the oldest key goes first, whichever trigger it belonged to', () => {
		const memory = new DeliveryMemory({ windowSeconds: 3600, capacity: 3 });
		const now = Date.now();
		for (const name of ['a', 'b', 'c', 'd']) expect(memory.isDuplicate(name, now)).toBe(false);
		expect(memory.size).toBe(3);
		expect(memory.isDuplicate('b', now)).toBe(true);
		expect(memory.isDuplicate('d', now)).toBe(true);
		expect(memory.isDuplicate('a', now)).toBe(false);
	});

	test('expired keys are dropped as time passes, so memory follows the traffic of the last hour', () => {
		const memory = new DeliveryMemory({ windowSeconds: 3600, capacity: 1_000 });
		const start = Date.now();
		for (let index = 0; index < 500; index++) memory.isDuplicate(`early-${index}`, start);
		memory.isDuplicate('late', start + HOUR + 1000);
		expect(memory.size).toBe(1);
	});
});
