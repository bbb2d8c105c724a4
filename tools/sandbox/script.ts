/**
 * Turns a script into the events of one conversation, shaped exactly as the reference's examples.
 * Generators, so each event is built when it is sent: its timestamps are the time it happened.
 */
import { EVENT_ABOUT } from '../../nodes/shared/contract';
import type {
	AgentValues,
	CallEvent,
	CallHistoryEntry,
	ConversationEvent,
	EventMessage,
	HistoryEntry,
} from '../../nodes/shared/contract/types';
import type { ConversationScript } from './options';
import { isoTimestamp } from './time';

export interface PlayedConversation {
	id: number;
	phone: string;
	channel_id: number;
	values: AgentValues;
	created_at: string;
	agent: { id: number | string; public: string };
}

/** `{{name}}` → the conversation's value (empty when absent). */
export function render(template: string, values: Record<string, unknown>): string {
	return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (_match, name: string) => {
		const value = values[name];
		return value === undefined || value === null ? '' : String(value);
	});
}

/** `[]` while nothing is extracted, an object afterwards [doc]. */
function extractionSnapshot(extraction: AgentValues): AgentValues | [] {
	return Object.keys(extraction).length > 0 ? { ...extraction } : [];
}

/**
 * onStarted; then per exchange an onMessage (with what was extracted before it) and, when the
 * exchange extracts something, an onUpdate (cumulative extraction, the message, the history);
 * onEnded last.
 */
export function* conversationEvents(
	script: ConversationScript,
	conversation: PlayedConversation,
	now: () => number,
): Generator<ConversationEvent, void, void> {
	const agent = { id: conversation.agent.id, public: conversation.agent.public };
	const about = { id: conversation.id, phone: conversation.phone, values: conversation.values };
	const history: HistoryEntry[] = [];
	let extraction: AgentValues = {};

	history.push({
		role: 'agent',
		message: render(script.greeting, conversation.values),
		timestamp: isoTimestamp(now()),
	});
	yield {
		event: { type: 'onStarted', about: EVENT_ABOUT.conversation },
		agent,
		conversation: { ...about, created_at: conversation.created_at },
		result: { extraction: [] },
	};

	for (const exchange of script.exchanges) {
		const timestamp = isoTimestamp(now());
		const message: EventMessage = {
			customer: render(exchange.customer, conversation.values),
			agent: render(exchange.agent, conversation.values),
			timestamp,
		};
		history.push(
			{ role: 'customer', message: message.customer ?? null, timestamp },
			{ role: 'agent', message: message.agent ?? null, timestamp },
		);
		yield {
			event: { type: 'onMessage', about: EVENT_ABOUT.conversation },
			agent,
			conversation: about,
			result: { extraction: extractionSnapshot(extraction), message },
		};
		if (exchange.extract && Object.keys(exchange.extract).length > 0) {
			extraction = { ...extraction, ...exchange.extract };
			yield {
				event: { type: 'onUpdate', about: EVENT_ABOUT.conversation },
				agent,
				conversation: about,
				result: { extraction: extractionSnapshot(extraction), message, history: [...history] },
			};
		}
	}

	yield {
		event: { type: 'onEnded', about: EVENT_ABOUT.conversation },
		agent,
		conversation: about,
		result: { extraction: extractionSnapshot(extraction), history: [...history] },
	};
}

/**
 * The voice-call shape [seen]: one event when the call ends, `on` + outcome. A completed call
 * carries the whole transcript and its goals; a failed or unanswered one carries neither.
 */
export function* callEvents(
	script: ConversationScript,
	call: PlayedConversation,
	now: () => number,
	recordingUrl: string,
): Generator<CallEvent, void, void> {
	const done = script.callOutcome === 'done';
	const history: CallHistoryEntry[] = [];
	let goals: AgentValues = {};
	if (done) {
		history.push({
			role: 'agent',
			content: render(script.greeting, call.values),
			timeAdded: isoTimestamp(now()),
		});
		for (const exchange of script.exchanges) {
			const timeAdded = isoTimestamp(now());
			history.push(
				{ role: 'customer', content: render(exchange.customer, call.values), timeAdded },
				{ role: 'agent', content: render(exchange.agent, call.values), timeAdded },
			);
			if (exchange.extract) goals = { ...goals, ...exchange.extract };
		}
	}
	yield {
		event: { type: `on${script.callOutcome}`, about: EVENT_ABOUT.call },
		agent: { id: call.agent.id, public: call.agent.public },
		call: {
			id: call.id,
			channel_id: call.channel_id,
			phone: call.phone,
			values: call.values,
			created_at: call.created_at,
		},
		result: {
			recording: done,
			call_recording_url: done ? recordingUrl : null,
			history,
			goals: extractionSnapshot(goals),
		},
	};
}
