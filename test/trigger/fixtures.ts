/**
 * Event payloads for the trigger's tests.
 *
 * `REFERENCE_EVENT_TEXT` holds the four example events of the published reference
 * (api-reference-v1.2.1.txt, "Webhooks (Agent.sa)") verbatim, Arabic included: reference.test.ts
 * checks that each still appears, character for character, in the reference.
 * The call events follow CONTRACT.md's "Voice calls have been seen with another shape" [seen]/[assumed].
 */
import type { CallEvent, ConversationEvent } from '../../nodes/shared/contract/schemas';

export const REFERENCE_EVENT_TEXT = {
	onStarted: `{
"event": { "type": "onStarted", "about": "conversation" },
"agent": { "id": 4, "public": "boddy_rahsaan_Agent_4" },
"conversation": {
"id": 4,
"phone": "+201145803442",
"values": { "company_name": "acme", "order_id": "1212" },
"created_at": "2025-11-13 23:24:50"
},
"result": { "extraction": [] }
}`,
	onMessage: `{
"event": { "type": "onMessage", "about": "conversation" },
"agent": { "id": 4, "public": "boddy_rahsaan_Agent_4" },
"conversation": { "id": 4, "phone": "+201145803442", "values": { "company_name": "acme", "order_id": "1212" } },
"result": {
"extraction": [],
"message": {
"customer": "the date is today nightly 10 clock",
"agent": "ممتاز! تبي تحجز اليوم الساعة 10 بالليل...",
"timestamp": "2025-11-13T23:25:10Z"
}
}
}`,
	onUpdate: `{
"event": { "type": "onUpdate", "about": "conversation" },
"agent": { "id": 4, "public": "boddy_rahsaan_Agent_4" },
"conversation": { "id": 4, "phone": "+201145803442", "values": { "company_name": "acme", "order_id": "1212" } },
"result": {
"extraction": { "customer_name": "shady" },
"message": { "customer": "my name is shady", "agent": "حياك يا Shady! ...", "timestamp": "2025-11-13T23:25:48Z" },
"history": [ { "role": "agent", "message": "مرحبا! أنا مساعد acme...", "timestamp": "..." } ]
}
}`,
	onEnded: `{
"event": { "type": "onEnded", "about": "conversation" },
"agent": { "id": 4, "public": "boddy_rahsaan_Agent_4" },
"conversation": { "id": 4, "phone": "+201145803442", "values": { "company_name": "acme", "order_id": "1212" } },
"result": {
"extraction": { "customer_name": "shady" },
"history": [ { "role": "agent", "message": "مرحبا! أنا مساعد acme...", "timestamp": "..." } ]
}
}`,
} as const;

export type ReferenceEventName = keyof typeof REFERENCE_EVENT_TEXT;

/** A fresh parsed copy of a reference event (tests may change it). */
export function referenceEvent(name: ReferenceEventName): ConversationEvent {
	return JSON.parse(REFERENCE_EVENT_TEXT[name]) as ConversationEvent;
}

export const REFERENCE_AGENT = { id: 4, public: 'boddy_rahsaan_Agent_4' } as const;

/** A finished voice call: `call` instead of `conversation`, `goals` instead of `extraction` [seen]. */
export function callDoneEvent(): CallEvent {
	return {
		event: { type: 'ondone', about: 'call' },
		agent: { id: 4, public: 'boddy_rahsaan_Agent_4' },
		call: {
			id: 77,
			channel_id: 3,
			phone: '+201145803442',
			values: { company_name: 'acme', order_id: '1212' },
			created_at: '2025-11-13 23:30:02',
		},
		result: {
			recording: true,
			call_recording_url: 'https://recordings.velents.example/calls/77.mp3',
			history: [
				{ role: 'assistant', content: 'مرحبا! أنا مساعد acme...', timeAdded: '2025-11-13T23:30:05Z' },
				{ role: 'user', content: 'أبغى أحجز الساعة 10 بالليل', timeAdded: 1763076610 },
			],
			goals: { customer_name: 'shady', booking_time: '22:00' },
		},
	};
}

/** A call that could not be made, with no agent in it (the call shape allows that). */
export function callFailedEvent(): CallEvent {
	return {
		event: { type: 'onfailed', about: 'call' },
		call: { id: 78, channel_id: 3, phone: '+966500000001', values: { order_id: '1213' } },
		result: { history: [], goals: [] },
	};
}

/** A call status the trigger has no named option for: only "Any Call Event" or "Any Event" catch it. */
export function callBusyEvent(): CallEvent {
	return {
		event: { type: 'onbusy', about: 'call' },
		agent: { id: 4, public: 'boddy_rahsaan_Agent_4' },
		call: { id: 79, channel_id: 3, phone: '+966500000002' },
		result: {},
	};
}
