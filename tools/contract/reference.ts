/**
 * Webhook event payloads for tests. The four conversation events and the 422 body are the examples
 * of the published reference (docs/api-reference-v1.2.1.txt), read from the reference itself so that
 * tests use them verbatim, Arabic included. The call events follow CONTRACT.md's voice-call shape
 * [seen] and its `on` + status names [assumed].
 */
import { readFileSync } from 'fs';
import { join } from 'path';

import type { ConversationEventType } from '../../nodes/shared/contract';
import type { CallEvent, ConversationEvent } from '../../nodes/shared/contract/types';

const reference = readFileSync(
	join(__dirname, '..', '..', 'docs', 'api-reference-v1.2.1.txt'),
	'utf8',
);

/** The text of the JSON object that starts at the first `{` after `marker`, balanced brace by brace. */
function exampleAfter(marker: string): string {
	const markerAt = reference.indexOf(marker);
	const start = reference.indexOf('{', markerAt);
	if (markerAt < 0 || start < 0) throw new Error(`No example after "${marker}" in the reference`);
	let depth = 0;
	let inString = false;
	for (let index = start; index < reference.length; index++) {
		const character = reference[index];
		if (inString) {
			if (character === '\\') index++;
			else if (character === '"') inString = false;
		} else if (character === '"') inString = true;
		else if (character === '{') depth++;
		else if (character === '}' && --depth === 0) return reference.slice(start, index + 1);
	}
	throw new Error(`Unbalanced example after "${marker}"`);
}

/** The reference's example events, as the text Velents posts. */
export const REFERENCE_EVENT_TEXT: Record<ConversationEventType, string> = {
	onStarted: exampleAfter('Event: onStarted'),
	onMessage: exampleAfter('Event: onMessage'),
	onUpdate: exampleAfter('Event: onUpdate'),
	onEnded: exampleAfter('Event: onEnded'),
};

export type ReferenceEventName = ConversationEventType;

/** A fresh parsed copy of a reference event (tests may change it). */
export function referenceEvent(name: ReferenceEventName): ConversationEvent {
	return JSON.parse(REFERENCE_EVENT_TEXT[name]) as ConversationEvent;
}

export const REFERENCE_VALIDATION_ERROR = JSON.parse(
	exampleAfter('Validation error shape'),
) as Record<string, unknown>;

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
				{
					role: 'assistant',
					content: 'مرحبا! أنا مساعد acme...',
					timeAdded: '2025-11-13T23:30:05Z',
				},
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
