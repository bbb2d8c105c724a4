/**
 * Hostile or unlucky bodies at the trigger's URL, through webhook(): nesting and size beyond what a
 * Velents event can be are refused without an execution (and without throwing, which n8n would
 * answer 500), and keys that every object inherits never count as data.
 */
import type { IDataObject } from 'n8n-workflow';

import { MAX_EVENT_BYTES, MAX_EVENT_DEPTH } from '../../nodes/VelentsAgentTrigger/incoming';
import type { WebhookCall } from './context';
import { deliver, jsonRequest } from './context';
import { referenceEvent } from '../../tools/contract/reference';

function expectRefused(call: WebhookCall, statusCode: number, message: string): void {
	expect(call.result).toEqual({ noWebhookResponse: true });
	expect(call.response.statusCode).toBe(statusCode);
	expect(call.response.body).toEqual({ message: expect.stringContaining(message) as string });
}

function acceptedItem(call: WebhookCall): IDataObject {
	expect(call.response.body).toEqual({ received: true });
	return call.result.workflowData?.[0]?.[0]?.json ?? {};
}

/** The reference onEnded event with `result.extraction.detail` nested `levels` objects deep, as text. */
function nestedEventText(levels: number): string {
	const event = referenceEvent('onEnded') as unknown as { result: { extraction: IDataObject } };
	event.result.extraction.detail = '\u0000';
	const [before, after] = JSON.stringify(event).split('"\\u0000"');
	return `${before}${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}${after}`;
}

describe('nesting', () => {
	test('an event nested 2,500 levels deep (15 KB) is answered 400, not a stack overflow', async () => {
		const text = nestedEventText(2_500);
		expect(text.length).toBeLessThan(16_000);
		const call = await deliver({ body: JSON.parse(text), rawBody: Buffer.from(text) });
		expectRefused(call, 400, `nests deeper than ${MAX_EVENT_DEPTH} levels`);
	});

	test('an event nested 100,000 levels deep, sent as raw bytes, is answered 400', async () => {
		const call = await deliver({ rawBody: Buffer.from(nestedEventText(100_000)) });
		expectRefused(call, 400, `nests deeper than ${MAX_EVENT_DEPTH} levels`);
	});

	test(`nesting up to ${MAX_EVENT_DEPTH} levels in all is accepted and delivered once`, async () => {
		// The body (1), result (2), extraction (3), detail (4) and its nested objects.
		const text = nestedEventText(MAX_EVENT_DEPTH - 3);
		const request = { body: JSON.parse(text) as unknown, rawBody: Buffer.from(text) };
		const workflowId = 'nesting-at-the-limit';
		expect(acceptedItem(await deliver(request, { workflowId }))).toHaveProperty(
			'extraction.detail.a.a',
		);
		expect((await deliver(request, { workflowId })).response.body).toEqual({
			received: true,
			ignored: 'duplicate',
		});
		expectRefused(
			await deliver({ rawBody: Buffer.from(nestedEventText(MAX_EVENT_DEPTH - 2)) }),
			400,
			'nests deeper',
		);
	});
	test('brackets inside text do not count as nesting, escaped quotes included', async () => {
		const event = referenceEvent('onMessage');
		event.result.message = {
			customer: `a \\"quoted\\" ${'[{'.repeat(200)} smiley :-[`,
			agent: '}'.repeat(300),
			timestamp: '2025-11-13T23:25:10Z',
		};
		expect(acceptedItem(await deliver(jsonRequest(event)))).toHaveProperty(
			'message.customer',
			event.result.message.customer,
		);
	});

	test('a parsed body without bytes, nested too deep to be written as JSON, is answered 400', async () => {
		let deep: Record<string, unknown> = { value: 1 };
		for (let level = 0; level < 100_000; level++) deep = { a: deep };
		const call = await deliver({ body: { event: { type: 'onEnded' }, result: deep } });
		expectRefused(call, 400, 'nests deeper');
	});
});

describe('size', () => {
	/** The reference onEnded event padded with a custom field to exactly `bytes` bytes. */
	function eventOfSize(bytes: number): Buffer {
		const empty = JSON.stringify({ ...referenceEvent('onEnded'), padding: '' });
		return Buffer.from(
			JSON.stringify({
				...referenceEvent('onEnded'),
				padding: 'x'.repeat(bytes - Buffer.byteLength(empty)),
			}),
		);
	}

	test(`an event of ${MAX_EVENT_BYTES} bytes (the limit) is accepted`, async () => {
		const bytes = eventOfSize(MAX_EVENT_BYTES);
		expect(bytes.length).toBe(MAX_EVENT_BYTES);
		const call = await deliver({ body: JSON.parse(bytes.toString()) as unknown, rawBody: bytes });
		expect(acceptedItem(call)).toHaveProperty('event', 'onEnded');
	});

	test.each([
		[
			'parsed by n8n, with its bytes',
			(bytes: Buffer) => ({ body: JSON.parse(bytes.toString()) as unknown, rawBody: bytes }),
		],
		['as raw bytes', (bytes: Buffer) => ({ rawBody: bytes })],
		['as text', (bytes: Buffer) => ({ body: bytes.toString() })],
	])('one byte more, %s: 413 and no execution', async (_case, request) => {
		const call = await deliver(request(eventOfSize(MAX_EVENT_BYTES + 1)));
		expectRefused(call, 413, `larger than ${MAX_EVENT_BYTES} bytes`);
	});
});

describe('keys every object inherits', () => {
	const requiring = (fields: string) => ({
		parameters: { requiredExtractionFields: fields, onlyThisAgent: false },
	});

	test.each(['constructor', 'toString', 'hasOwnProperty', '__proto__'])(
		'a required extraction field named %s is missing unless the extraction has it',
		async (field) => {
			const call = await deliver(jsonRequest(referenceEvent('onEnded')), requiring(field));
			expect(call.result).toEqual({ noWebhookResponse: true });
			expect(call.response.body).toEqual({
				received: true,
				ignored: 'required extraction fields missing',
				missing: [field],
			});
		},
	);

	test('a required field named constructor counts when the extraction really has it', async () => {
		const event = referenceEvent('onEnded') as unknown as { result: { extraction: IDataObject } };
		Object.defineProperty(event.result.extraction, 'constructor', {
			value: 'built by Velents',
			enumerable: true,
		});
		const item = acceptedItem(await deliver(jsonRequest(event), requiring('constructor')));
		expect(Object.hasOwn(item.extraction as object, 'constructor')).toBe(true);
	});

	test('a top-level __proto__ field stays a plain field of custom, never its prototype', async () => {
		const text = JSON.stringify(referenceEvent('onMessage')).replace(
			/^\{/,
			'{"__proto__":{"polluted":true,"crm_lead_id":"L-9"},"constructor":"c",',
		);
		const call = await deliver({ body: JSON.parse(text) as unknown, rawBody: Buffer.from(text) });
		const custom = acceptedItem(call).custom as IDataObject;

		expect(Object.getPrototypeOf(custom)).toBe(Object.prototype);
		expect((custom as { polluted?: unknown }).polluted).toBeUndefined();
		expect(Object.keys(custom)).toEqual(['__proto__', 'constructor']);
		expect(Object.getOwnPropertyDescriptor(custom, '__proto__')?.value).toEqual({
			polluted: true,
			crm_lead_id: 'L-9',
		});
		expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
	});
});
