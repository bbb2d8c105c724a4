/**
 * The trigger's filters, as pure functions: which events start the workflow and which are answered
 * and ignored.
 */
import { CALL_EVENTS, CONVERSATION_EVENTS, EVENT_ABOUT } from '../shared/contract';
import { ANY_CALL_EVENT, ANY_EVENT } from './description';
import type { AgentRef } from './payload';

/** Why an event was answered without starting the workflow; sent back as `ignored`. */
export const IGNORED = {
	eventNotSelected: 'event not selected',
	otherAgent: 'event of another agent',
	missingExtraction: 'required extraction fields missing',
	duplicate: 'duplicate',
} as const;

/** Whether the event is one of the selected events (`*` for any, `call:*` for any call event). */
export function isSelectedEvent(selected: readonly string[], type: string, about: string): boolean {
	return (
		selected.includes(ANY_EVENT) ||
		selected.includes(type) ||
		(about === EVENT_ABOUT.call && selected.includes(ANY_CALL_EVENT))
	);
}

/** The agent a workflow's trigger was activated for, as remembered at activation. */
export interface AgentIdentity {
	id?: string;
	public?: string;
}

/**
 * Whether the event names an agent other than the remembered one: its `agent.id` or `agent.public`
 * differs. Events without an agent (possible on calls), and any event when no identity is known, pass.
 */
export function isOtherAgent(
	remembered: AgentIdentity | undefined,
	agent: AgentRef | null,
): boolean {
	if (remembered === undefined || agent === null) return false;
	const idDiffers =
		remembered.id !== undefined && agent.id !== null && String(agent.id) !== remembered.id;
	const publicDiffers =
		remembered.public !== undefined && agent.public !== null && agent.public !== remembered.public;
	return idDiffers || publicDiffers;
}

const [, , onUpdate, onEnded] = CONVERSATION_EVENTS;
const [onDone] = CALL_EVENTS;

/** The events whose extraction (or goals) the Required Extraction Fields filter looks at. */
export function carriesFinalOrNewExtraction(type: string, about: string): boolean {
	return about === EVENT_ABOUT.call ? type === onDone : type === onUpdate || type === onEnded;
}

/** `"customer_name, booking_time"` → `['customer_name', 'booking_time']`; commas or new lines separate. */
export function parseFieldList(text: unknown): string[] {
	if (typeof text !== 'string') return [];
	return [
		...new Set(
			text
				.split(/[,\n]/)
				.map((field) => field.trim())
				.filter((field) => field !== ''),
		),
	];
}

/**
 * The required fields that the extraction lacks or holds empty (null, blank text, [] or {}). Only the
 * extraction's own fields count: `constructor` or `toString` are not extracted because every object
 * inherits them.
 */
export function missingFields(
	required: readonly string[],
	extraction: Record<string, unknown>,
): string[] {
	return required.filter(
		(field) => !Object.hasOwn(extraction, field) || isEmptyValue(extraction[field]),
	);
}

function isEmptyValue(value: unknown): boolean {
	if (value === undefined || value === null) return true;
	if (typeof value === 'string') return value.trim() === '';
	if (Array.isArray(value)) return value.length === 0;
	if (typeof value === 'object') return Object.keys(value).length === 0;
	return false;
}
