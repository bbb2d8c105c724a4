import { parseEventBody } from '../../nodes/VelentsAgentTrigger/incoming';
import { REFERENCE_EVENT_TEXT, referenceEvent } from '../../tools/contract/reference';

describe('parseEventBody: the forms n8n hands a body over in', () => {
	const expected = {
		ok: true,
		type: 'onMessage',
		about: 'conversation',
		payload: referenceEvent('onMessage'),
		bytes: expect.any(Buffer) as Buffer,
	};

	test('application/json: already parsed into an object', () => {
		expect(parseEventBody(referenceEvent('onMessage'), undefined)).toEqual(expected);
	});

	test('text/plain: a string', () => {
		expect(parseEventBody(REFERENCE_EVENT_TEXT.onMessage, undefined)).toEqual(expected);
	});

	test('another or no content type: nothing parsed, the UTF-8 bytes in rawBody (Arabic intact)', () => {
		expect(parseEventBody(undefined, Buffer.from(REFERENCE_EVENT_TEXT.onMessage, 'utf8'))).toEqual(
			expected,
		);
		expect(parseEventBody({}, Buffer.from(REFERENCE_EVENT_TEXT.onMessage, 'utf8'))).toEqual(
			expected,
		);
	});

	test('a call event reports about "call"', () => {
		const parsed = parseEventBody(
			{ event: { type: 'ondone', about: 'call' }, call: { id: 1 } },
			undefined,
		);
		expect(parsed).toMatchObject({ ok: true, type: 'ondone', about: 'call' });
	});
});

describe('parseEventBody: what is not a Velents event', () => {
	test.each([
		['no body at all', undefined, undefined, 'The request has no body'],
		['an empty body', {}, Buffer.alloc(0), 'The request has no body'],
		['blank text', '   ', undefined, 'The request has no body'],
		['text that is not JSON', 'event=onEnded', undefined, 'is not JSON'],
		['bytes that are not JSON', undefined, Buffer.from('<xml/>'), 'is not JSON'],
		['truncated JSON', undefined, Buffer.from('{"event": {"type": "onEnded"'), 'is not JSON'],
		['a JSON array', '[{"event": {"type": "onEnded"}}]', undefined, 'is not a JSON object'],
		['a JSON string', '"onEnded"', undefined, 'is not a JSON object'],
		['JSON null', 'null', undefined, 'is not a JSON object'],
		['an object without event', { conversation: { id: 4 } }, undefined, 'has no event.type'],
		['an event without type', { event: { about: 'conversation' } }, undefined, 'has no event.type'],
		['an empty type', { event: { type: ' ' } }, undefined, 'has no event.type'],
		['a type that is not text', { event: { type: 3 } }, undefined, 'has no event.type'],
		['a form post', { type: 'onEnded' }, undefined, 'has no event.type'],
	])('%s', (_case, body, rawBody, problem) => {
		const parsed = parseEventBody(body, rawBody);
		expect(parsed.ok).toBe(false);
		expect(parsed.ok ? '' : parsed.problem).toContain(problem);
	});
});

describe('parseEventBody: the bytes a repeated delivery is recognised by', () => {
	test('the bytes n8n read, when it kept them', () => {
		const bytes = Buffer.from(REFERENCE_EVENT_TEXT.onMessage, 'utf8');
		const parsed = parseEventBody(referenceEvent('onMessage'), bytes);
		expect(parsed.ok && parsed.bytes).toBe(bytes);
	});

	test('the text, or the parsed object as JSON, when n8n kept no bytes', () => {
		const fromText = parseEventBody(REFERENCE_EVENT_TEXT.onMessage, undefined);
		expect(fromText.ok && fromText.bytes.toString()).toBe(REFERENCE_EVENT_TEXT.onMessage.trim());
		const fromObject = parseEventBody(referenceEvent('onMessage'), undefined);
		expect(fromObject.ok && fromObject.bytes.toString()).toBe(
			JSON.stringify(referenceEvent('onMessage')),
		);
	});
});
