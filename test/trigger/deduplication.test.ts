import {
	DeliveryMemory,
	RecentKeys,
	canonicalJson,
	eventKey,
} from '../../nodes/VelentsAgentTrigger/deduplication';
import { callDoneEvent, referenceEvent } from '../../tools/contract/reference';

describe('eventKey: what makes two deliveries the same event', () => {
	const keyOf = (event: Record<string, unknown>, type = 'onMessage', about = 'conversation') =>
		eventKey(event, type, about);

	test('a repeated delivery has the same key, whatever the key order', () => {
		const event = referenceEvent('onMessage');
		const reordered = JSON.parse(
			'{"result":{"message":{"timestamp":"2025-11-13T23:25:10Z","agent":"ممتاز! تبي تحجز اليوم الساعة 10 بالليل...","customer":"the date is today nightly 10 clock"},"extraction":[]},"conversation":{"values":{"order_id":"1212","company_name":"acme"},"phone":"+201145803442","id":4},"agent":{"public":"boddy_rahsaan_Agent_4","id":4},"event":{"about":"conversation","type":"onMessage"}}',
		) as Record<string, unknown>;
		expect(keyOf(reordered)).toBe(keyOf(event));
	});

	test('fields merged from the dispatch do not change the key', () => {
		expect(keyOf({ ...referenceEvent('onMessage'), crm_lead_id: 'L-1' })).toBe(
			keyOf(referenceEvent('onMessage')),
		);
	});

	test('another message timestamp, another conversation, another extraction, another type: another key', () => {
		const base = keyOf(referenceEvent('onMessage'));
		const later = referenceEvent('onMessage');
		later.result.message = { ...later.result.message, timestamp: '2025-11-13T23:26:00Z' };
		const otherConversation = referenceEvent('onMessage');
		otherConversation.conversation.id = 5;
		const update = referenceEvent('onUpdate');
		const moreExtracted = referenceEvent('onUpdate');
		moreExtracted.result.extraction = { customer_name: 'shady', booking_time: '22:00' };

		expect(new Set([base, keyOf(later), keyOf(otherConversation)]).size).toBe(3);
		expect(keyOf(update, 'onUpdate')).not.toBe(keyOf(moreExtracted, 'onUpdate'));
		expect(keyOf(referenceEvent('onEnded'), 'onEnded')).not.toBe(
			keyOf(referenceEvent('onEnded'), 'onUpdate'),
		);
	});

	test('call events are keyed by their call id', () => {
		const other = callDoneEvent();
		other.call.id = 99;
		expect(keyOf(callDoneEvent(), 'ondone', 'call')).toBe(keyOf(callDoneEvent(), 'ondone', 'call'));
		expect(keyOf(other, 'ondone', 'call')).not.toBe(keyOf(callDoneEvent(), 'ondone', 'call'));
	});

	test('canonicalJson sorts keys at every depth and drops undefined', () => {
		expect(canonicalJson({ b: [{ d: 1, c: 2 }], a: undefined, e: 'ش' })).toBe(
			'{"b":[{"c":2,"d":1}],"e":"ش"}',
		);
	});
});

describe('RecentKeys: a bounded memory with a time to live', () => {
	test('the first sight is new, the second a repeat', () => {
		const keys = new RecentKeys(10, 1000);
		expect(keys.seenBefore('a', 0)).toBe(false);
		expect(keys.seenBefore('a', 1)).toBe(true);
	});

	test('a key older than the TTL is new again', () => {
		const keys = new RecentKeys(10, 1000);
		keys.seenBefore('a', 0);
		expect(keys.seenBefore('a', 999)).toBe(true);
		expect(keys.seenBefore('a', 1000)).toBe(false);
	});

	test('never holds more than its capacity; the least recently seen goes first', () => {
		const keys = new RecentKeys(3, 1_000_000);
		['a', 'b', 'c'].forEach((key, now) => keys.seenBefore(key, now));
		keys.seenBefore('a', 3); // a is now the most recent
		keys.seenBefore('d', 4); // evicts b
		expect(keys.size).toBe(3);
		expect(keys.seenBefore('a', 5)).toBe(true);
		expect(keys.seenBefore('c', 5)).toBe(true);
		expect(keys.seenBefore('b', 5)).toBe(false);
	});

	test('stays bounded under a flood of distinct keys', () => {
		const keys = new RecentKeys(100, 1_000_000);
		for (let index = 0; index < 10_000; index++) keys.seenBefore(`key-${index}`, index);
		expect(keys.size).toBe(100);
	});

	test('expired keys are dropped as new ones arrive', () => {
		const keys = new RecentKeys(100, 10);
		for (let index = 0; index < 50; index++) keys.seenBefore(`key-${index}`, index);
		expect(keys.size).toBeLessThanOrEqual(11);
	});
});

describe('DeliveryMemory: per workflow and node', () => {
	test('the same key in two trigger nodes is two different events', () => {
		const memory = new DeliveryMemory();
		expect(memory.isDuplicate('workflow-1/node', 'k', 0)).toBe(false);
		expect(memory.isDuplicate('workflow-2/node', 'k', 0)).toBe(false);
		expect(memory.isDuplicate('workflow-1/node', 'k', 1)).toBe(true);
	});

	test('tracks a bounded number of nodes, dropping the least recently active', () => {
		const memory = new DeliveryMemory({ keysPerNode: 10, ttlMs: 1_000_000, nodes: 2 });
		memory.isDuplicate('n1', 'k', 0);
		memory.isDuplicate('n2', 'k', 1);
		memory.isDuplicate('n1', 'other', 2); // n1 active again
		memory.isDuplicate('n3', 'k', 3); // drops n2
		expect(memory.nodeCount).toBe(2);
		expect(memory.isDuplicate('n1', 'k', 4)).toBe(true);
		expect(memory.isDuplicate('n2', 'k', 5)).toBe(false);
	});
});
