/**
 * One output item per event, in one shape whichever shape arrived, so that a follow-up node never
 * cares whether it was a conversation event or a voice call. Pure functions.
 *
 * | output         | conversation event                         | call event                              |
 * |----------------|--------------------------------------------|-----------------------------------------|
 * | `event`        | `event.type`                               | `event.type` (`ondone`, `onfailed`, …)  |
 * | `about`        | `event.about` (`conversation`)             | `call`                                  |
 * | `agent`        | `{id, public}`                             | `{id, public}`, or null when absent     |
 * | `conversation` | `conversation`                             | `call` (with `channel_id`)              |
 * | `extraction`   | `result.extraction`, `{}` for `[]`         | `result.goals`                          |
 * | `message`      | `result.message`, when present             | `result.message`, when present          |
 * | `history`      | `result.history`, when present             | `result.history`, `{role, content, timeAdded}` → `{role, message, timestamp}` |
 * | `recording`, `recordingUrl` | —                             | `result.recording`, `result.call_recording_url` |
 * | `custom`       | other top-level keys (the dispatch's `webhook.body`) | same                          |
 *
 * Values keep the format Velents sent (timestamps are not converted).
 */
import type { IDataObject } from 'n8n-workflow';

import { isRecord } from '../shared/validation';
import type { EventPayload } from './payload';
import {
	KNOWN_TOP_LEVEL_KEYS,
	agentOf,
	eventAboutOf,
	eventTypeOf,
	extractionOf,
	isCallEvent,
	resultOf,
	subjectOf,
} from './payload';

export interface NormaliseOptions {
	/** When the event was received; becomes `receivedAt`. */
	receivedAt: Date;
	/** Adds the payload as it arrived under `raw`. */
	includeRaw?: boolean;
}

/** The trigger's output item for one event. */
export function normaliseEvent(payload: EventPayload, options: NormaliseOptions): IDataObject {
	const isCall = isCallEvent(payload);
	const result = resultOf(payload);
	const item: IDataObject = {
		event: eventTypeOf(payload) ?? null,
		about: eventAboutOf(payload),
		agent: agentOf(payload) as IDataObject | null,
		conversation: normaliseSubject(subjectOf(payload), isCall),
		extraction: extractionOf(payload) as IDataObject,
	};

	const message = normaliseMessage(result.message);
	if (message) item.message = message;
	if (Array.isArray(result.history))
		item.history = result.history.filter(isRecord).map(normaliseHistoryEntry);
	if (isCall) {
		item.recording = (result.recording ?? null) as IDataObject['recording'];
		item.recordingUrl =
			typeof result.call_recording_url === 'string' ? result.call_recording_url : null;
	}

	item.receivedAt = options.receivedAt.toISOString();
	item.custom = customFieldsOf(payload);
	if (options.includeRaw) item.raw = payload as IDataObject;
	return item;
}

/**
 * The conversation (or call): `id`, `phone`, `values` (`{}` when absent), `created_at` when present
 * (only onStarted has it), and for calls `channel_id`. Other keys Velents sends are kept.
 */
export function normaliseSubject(
	subject: Record<string, unknown> | undefined,
	isCall: boolean,
): IDataObject | null {
	if (subject === undefined) return null;
	const { id, phone, values, created_at: createdAt, channel_id: channelId, ...rest } = subject;
	const normalised: IDataObject = {
		...(rest as IDataObject),
		id: (id ?? null) as IDataObject['id'],
		phone: typeof phone === 'string' ? phone : null,
		values: (isRecord(values) ? values : {}) as IDataObject,
	};
	if (createdAt !== undefined) normalised.created_at = createdAt as IDataObject['created_at'];
	if (isCall || channelId !== undefined)
		normalised.channel_id = (channelId ?? null) as IDataObject['channel_id'];
	return normalised;
}

/** `{customer, agent, timestamp}`, each null when absent; undefined when the event has no message. */
export function normaliseMessage(message: unknown): IDataObject | undefined {
	if (!isRecord(message)) return undefined;
	return {
		customer: textOrNull(message.customer),
		agent: textOrNull(message.agent),
		timestamp: timestampOrNull(message.timestamp),
	};
}

/** Call history speaks of `assistant` and `user`; conversations, and this output, of `agent` and `customer`. */
const CALL_ROLES: Readonly<Record<string, string>> = { assistant: 'agent', user: 'customer' };

/**
 * A history entry as `{role, message, timestamp}`: conversation entries already are; call entries
 * `{role, content, timeAdded}` are mapped, their roles too (the raw payload keeps the originals).
 */
export function normaliseHistoryEntry(entry: Record<string, unknown>): IDataObject {
	const role = textOrNull(entry.role);
	return {
		role: role !== null && Object.hasOwn(CALL_ROLES, role) ? CALL_ROLES[role] : role,
		message: textOrNull(entry.message ?? entry.content),
		timestamp: timestampOrNull(entry.timestamp ?? entry.timeAdded),
	};
}

/**
 * The top-level keys neither shape defines: what Velents merged in from the dispatch's `webhook.body`.
 * Each is copied as plain data, so a field named `__proto__` stays a field and never becomes the
 * prototype of `custom`.
 */
export function customFieldsOf(payload: EventPayload): IDataObject {
	const custom: IDataObject = {};
	for (const [key, value] of Object.entries(payload)) {
		if (!KNOWN_TOP_LEVEL_KEYS.has(key)) {
			Object.defineProperty(custom, key, {
				value,
				enumerable: true,
				writable: true,
				configurable: true,
			});
		}
	}
	return custom;
}

function textOrNull(value: unknown): string | null {
	return typeof value === 'string' ? value : null;
}

function timestampOrNull(value: unknown): string | number | null {
	return typeof value === 'string' || typeof value === 'number' ? value : null;
}
