import {
	customFieldsOf,
	normaliseEvent,
	normaliseHistoryEntry,
	normaliseMessage,
	normaliseSubject,
} from '../../nodes/VelentsAgentTrigger/normalise';
import { callDoneEvent, callFailedEvent, referenceEvent } from '../../tools/contract/reference';

const receivedAt = new Date('2025-11-13T23:25:11.000Z');
const CONVERSATION = {
	id: 4,
	phone: '+201145803442',
	values: { company_name: 'acme', order_id: '1212' },
};
const AGENT = { id: 4, public: 'boddy_rahsaan_Agent_4' };

describe('normaliseEvent: the reference events', () => {
	test('onStarted: created_at kept, the empty extraction [] becomes {}, no message or history', () => {
		expect(normaliseEvent(referenceEvent('onStarted'), { receivedAt })).toEqual({
			event: 'onStarted',
			about: 'conversation',
			agent: AGENT,
			conversation: { ...CONVERSATION, created_at: '2025-11-13 23:24:50' },
			extraction: {},
			receivedAt: '2025-11-13T23:25:11.000Z',
			custom: {},
		});
	});

	test('onMessage: the message with its Arabic text intact', () => {
		expect(normaliseEvent(referenceEvent('onMessage'), { receivedAt })).toEqual({
			event: 'onMessage',
			about: 'conversation',
			agent: AGENT,
			conversation: CONVERSATION,
			extraction: {},
			message: {
				customer: 'the date is today nightly 10 clock',
				agent: 'ممتاز! تبي تحجز اليوم الساعة 10 بالليل...',
				timestamp: '2025-11-13T23:25:10Z',
			},
			receivedAt: '2025-11-13T23:25:11.000Z',
			custom: {},
		});
	});

	test('onUpdate: extraction, message and history', () => {
		expect(normaliseEvent(referenceEvent('onUpdate'), { receivedAt })).toEqual({
			event: 'onUpdate',
			about: 'conversation',
			agent: AGENT,
			conversation: CONVERSATION,
			extraction: { customer_name: 'shady' },
			message: {
				customer: 'my name is shady',
				agent: 'حياك يا Shady! ...',
				timestamp: '2025-11-13T23:25:48Z',
			},
			history: [{ role: 'agent', message: 'مرحبا! أنا مساعد acme...', timestamp: '...' }],
			receivedAt: '2025-11-13T23:25:11.000Z',
			custom: {},
		});
	});

	test('onEnded: final extraction and history, no message', () => {
		expect(normaliseEvent(referenceEvent('onEnded'), { receivedAt })).toEqual({
			event: 'onEnded',
			about: 'conversation',
			agent: AGENT,
			conversation: CONVERSATION,
			extraction: { customer_name: 'shady' },
			history: [{ role: 'agent', message: 'مرحبا! أنا مساعد acme...', timestamp: '...' }],
			receivedAt: '2025-11-13T23:25:11.000Z',
			custom: {},
		});
	});
});

describe('normaliseEvent: the call shape', () => {
	test('ondone: call → conversation (with channel_id), goals → extraction, history mapped, recording', () => {
		expect(normaliseEvent(callDoneEvent(), { receivedAt })).toEqual({
			event: 'ondone',
			about: 'call',
			agent: AGENT,
			conversation: {
				id: 77,
				channel_id: 3,
				phone: '+201145803442',
				values: { company_name: 'acme', order_id: '1212' },
				created_at: '2025-11-13 23:30:02',
			},
			extraction: { customer_name: 'shady', booking_time: '22:00' },
			history: [
				{
					role: 'agent',
					message: 'مرحبا! أنا مساعد acme...',
					timestamp: '2025-11-13T23:30:05Z',
				},
				{ role: 'customer', message: 'أبغى أحجز الساعة 10 بالليل', timestamp: 1763076610 },
			],
			recording: true,
			recordingUrl: 'https://recordings.velents.example/calls/77.mp3',
			receivedAt: '2025-11-13T23:25:11.000Z',
			custom: {},
		});
	});

	test('onfailed without an agent: agent null, empty goals {}, recording fields null', () => {
		const item = normaliseEvent(callFailedEvent(), { receivedAt });
		expect(item).toMatchObject({
			event: 'onfailed',
			about: 'call',
			agent: null,
			conversation: { id: 78, channel_id: 3, phone: '+966500000001', values: { order_id: '1213' } },
			extraction: {},
			history: [],
			recording: null,
			recordingUrl: null,
		});
		expect(item.conversation).not.toHaveProperty('created_at');
	});

	test('a call event without event.about is recognised by its call object', () => {
		const event = { ...callDoneEvent(), event: { type: 'ondone' } };
		expect(normaliseEvent(event, { receivedAt })).toMatchObject({
			about: 'call',
			conversation: { id: 77 },
			extraction: { customer_name: 'shady' },
		});
	});
});

describe('normaliseEvent: custom fields and options', () => {
	test('top-level keys merged from the dispatch webhook.body land under custom, not at the top', () => {
		const event = { ...referenceEvent('onEnded'), crm_lead_id: 'L-1', tags: ['vip'] };
		const item = normaliseEvent(event, { receivedAt });
		expect(item.custom).toEqual({ crm_lead_id: 'L-1', tags: ['vip'] });
		expect(item).not.toHaveProperty('crm_lead_id');
	});

	test('Include Raw Payload adds the event exactly as received under raw', () => {
		const event = { ...referenceEvent('onMessage'), crm_lead_id: 'L-1' };
		expect(normaliseEvent(event, { receivedAt, includeRaw: true }).raw).toEqual(event);
		expect(normaliseEvent(event, { receivedAt })).not.toHaveProperty('raw');
	});

	test('an event without a conversation gives conversation null rather than failing', () => {
		const item = normaliseEvent(
			{ event: { type: 'onStarted', about: 'conversation' } },
			{ receivedAt },
		);
		expect(item).toMatchObject({
			event: 'onStarted',
			agent: null,
			conversation: null,
			extraction: {},
		});
	});
});

describe('the parts', () => {
	test('normaliseSubject keeps unknown keys, fills values with {}', () => {
		expect(normaliseSubject({ id: '9', phone: '+201145803442', status: 'open' }, false)).toEqual({
			id: '9',
			phone: '+201145803442',
			values: {},
			status: 'open',
		});
	});

	test('normaliseMessage gives null for missing sides and undefined for no message', () => {
		expect(normaliseMessage({ customer: 'hi' })).toEqual({
			customer: 'hi',
			agent: null,
			timestamp: null,
		});
		expect(normaliseMessage(undefined)).toBeUndefined();
		expect(normaliseMessage('text')).toBeUndefined();
	});

	test('normaliseHistoryEntry maps the call form {role, content, timeAdded}, roles to the conversation form', () => {
		expect(
			normaliseHistoryEntry({ role: 'user', content: 'نعم', timeAdded: '2025-11-13T23:30:09Z' }),
		).toEqual({
			role: 'customer',
			message: 'نعم',
			timestamp: '2025-11-13T23:30:09Z',
		});
	});

	test('call roles: assistant is agent, user is customer; others, and inherited names, stay as sent', () => {
		const roleOf = (role: unknown) => normaliseHistoryEntry({ role, content: 'x' }).role;
		expect([roleOf('assistant'), roleOf('user'), roleOf('system'), roleOf('toString')]).toEqual([
			'agent',
			'customer',
			'system',
			'toString',
		]);
	});

	test('customFieldsOf leaves out every key of both shapes', () => {
		expect(
			customFieldsOf({ event: {}, agent: {}, conversation: {}, call: {}, result: {}, x: 1 }),
		).toEqual({ x: 1 });
	});
});
