/**
 * Reading an event body as it arrives: untrusted JSON in one of two shapes, the conversation shape
 * of the reference and the voice-call shape (`event.about = "call"`, a `call` object, `goals`).
 * These readers never throw; what is missing reads as undefined.
 */
import type { CallEvent, ConversationEvent } from '../shared/contract/types';
import { EVENT_ABOUT } from '../shared/contract';
import { isRecord } from '../shared/validation';

/** A parsed event body: a JSON object whose shape is not yet trusted. */
export type EventPayload = Record<string, unknown>;

/** The top-level keys of both shapes; any other top-level key was merged in from the dispatch's `webhook.body`. */
const TOP_LEVEL_KEYS: ReadonlyArray<Extract<keyof ConversationEvent | keyof CallEvent, string>> = [
	'event',
	'agent',
	'conversation',
	'call',
	'result',
];
export const KNOWN_TOP_LEVEL_KEYS: ReadonlySet<string> = new Set<string>(TOP_LEVEL_KEYS);

/** `event.type`, when it is a non-empty string. */
export function eventTypeOf(payload: EventPayload): string | undefined {
	const type = isRecord(payload.event) ? payload.event.type : undefined;
	return typeof type === 'string' && type.trim() !== '' ? type : undefined;
}

/** `event.about`; when absent, inferred from the shape (a `call` object means a call). */
export function eventAboutOf(payload: EventPayload): string {
	const about = isRecord(payload.event) ? payload.event.about : undefined;
	if (typeof about === 'string' && about !== '') return about;
	return isRecord(payload.call) && !isRecord(payload.conversation)
		? EVENT_ABOUT.call
		: EVENT_ABOUT.conversation;
}

export function isCallEvent(payload: EventPayload): boolean {
	return eventAboutOf(payload) === EVENT_ABOUT.call;
}

/** The conversation, or for a call the `call` object: what the event is about. */
export function subjectOf(payload: EventPayload): Record<string, unknown> | undefined {
	const [preferred, fallback] = isCallEvent(payload)
		? [payload.call, payload.conversation]
		: [payload.conversation, payload.call];
	if (isRecord(preferred)) return preferred;
	return isRecord(fallback) ? fallback : undefined;
}

export function resultOf(payload: EventPayload): Record<string, unknown> {
	return isRecord(payload.result) ? payload.result : {};
}

/**
 * What was extracted, as an object: `result.extraction` (the reference sends `[]` until something
 * is extracted), or a call's `result.goals`.
 */
export function extractionOf(payload: EventPayload): Record<string, unknown> {
	const result = resultOf(payload);
	const [preferred, fallback] = isCallEvent(payload)
		? [result.goals, result.extraction]
		: [result.extraction, result.goals];
	const extraction = preferred ?? fallback;
	return isRecord(extraction) ? extraction : {};
}

export interface AgentRef {
	id: string | number | null;
	public: string | null;
}

/** `agent` as `{id, public}`, or null when the event names no agent (possible on calls). */
export function agentOf(payload: EventPayload): AgentRef | null {
	const { agent } = payload;
	if (!isRecord(agent)) return null;
	const id = typeof agent.id === 'string' || typeof agent.id === 'number' ? agent.id : null;
	const publicName = typeof agent.public === 'string' ? agent.public : null;
	if (id === null && publicName === null) return null;
	return { id, public: publicName };
}
