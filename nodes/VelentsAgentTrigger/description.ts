/**
 * What the Velents Agent Trigger panel shows, and the names of its parameters. The node class
 * spreads these into its description; the webhook code reads the parameters by these names.
 */
import type { INodeProperties } from 'n8n-workflow';

import { CALL_EVENTS, CONVERSATION_EVENTS } from '../shared/contract';

/** "Any Event": every event Velents sends, in either shape. */
export const ANY_EVENT = '*';
/** "Any Call Event": every event of the voice-call shape (`event.about = "call"`), such as `onbusy`. */
export const ANY_CALL_EVENT = 'call:*';

export const PARAMETERS = {
	events: 'events',
	onlyThisAgent: 'onlyThisAgent',
	requiredExtractionFields: 'requiredExtractionFields',
	options: 'options',
	includeRawPayload: 'includeRawPayload',
	ignoreRepeatedDeliveries: 'ignoreRepeatedDeliveries',
} as const;

const [onStarted, onMessage, onUpdate, onEnded] = CONVERSATION_EVENTS;
const [onDone, onFailed, onNoResponse] = CALL_EVENTS;

export const triggerProperties: INodeProperties[] = [
	{
		displayName:
			'Velents has no API to register webhooks: paste this node’s <b>Production URL</b> into the Velents Agent node’s <b>Webhook</b> → <b>Link</b> field (Dispatch or Batch), or into the agent’s webhook settings in Velents, then activate the workflow. Use the Test URL only while you listen for a test event.',
		name: 'setupNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName:
			'Security: when the credential has a <b>Webhook Secret</b>, only events carrying it (header <code>x-velents-authorization</code>, or the header the Velents Agent node adds to the events of the conversations it dispatches) start the workflow; others get 401. Without a secret, anyone who knows the URL can start this workflow. A changed secret works at once; the old one stops working within 5 seconds.',
		name: 'securityNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Events',
		name: PARAMETERS.events,
		type: 'multiOptions',
		required: true,
		default: [],
		description: 'The events that start the workflow. Other events are answered and ignored.',
		options: [
			{
				name: 'Any Call Event',
				value: ANY_CALL_EVENT,
				description: 'Every voice-call event (call shape), including statuses not listed here',
			},
			{
				name: 'Any Event',
				value: ANY_EVENT,
				description: 'Every conversation and call event',
			},
			{
				name: 'Call Done',
				value: onDone,
				description: `A voice call finished, with its recording and goals (${onDone})`,
			},
			{
				name: 'Call Failed',
				value: onFailed,
				description: `A voice call could not be made (${onFailed})`,
			},
			{
				name: 'Call Not Answered',
				value: onNoResponse,
				description: `Nobody answered a voice call (${onNoResponse})`,
			},
			{
				name: 'Conversation Ended',
				value: onEnded,
				description: `Once, when the conversation has concluded: final extraction and history (${onEnded})`,
			},
			{
				name: 'Conversation Started',
				value: onStarted,
				description: `Once, at the very beginning of a conversation (${onStarted})`,
			},
			{
				name: 'Conversation Updated',
				value: onUpdate,
				description: `The agent extracted new information (${onUpdate})`,
			},
			{
				name: 'Message Exchanged',
				value: onMessage,
				description: `Every new exchange of messages (${onMessage})`,
			},
		],
	},
	{
		displayName: 'Only This Agent’s Events',
		name: PARAMETERS.onlyThisAgent,
		type: 'boolean',
		default: true,
		description:
			'Whether to ignore events of agents other than the credential’s own (read when the workflow is activated; if Velents cannot be reached then, the agent read at an earlier activation is used, and with none, every agent’s events are accepted until the next activation). Events without an agent, as some call events are, are accepted.',
	},
	{
		displayName: 'Required Extraction Fields',
		name: PARAMETERS.requiredExtractionFields,
		type: 'string',
		default: '',
		placeholder: 'e.g. field_a, field_b',
		description:
			'Comma-separated fields that must all be extracted (not empty) for Conversation Updated, Conversation Ended and Call Done events to start the workflow. Other events are not affected. Leave empty to accept all.',
	},
	{
		displayName: 'Options',
		name: PARAMETERS.options,
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Include Raw Payload',
				name: PARAMETERS.includeRawPayload,
				type: 'boolean',
				default: false,
				description: 'Whether to add the event exactly as Velents sent it, under "raw"',
			},
			{
				displayName: 'Ignore Repeated Deliveries',
				name: PARAMETERS.ignoreRepeatedDeliveries,
				type: 'boolean',
				default: true,
				description:
					'Whether to answer a byte-identical copy of an event accepted within the last hour without starting the workflow (Velents may deliver an event twice). Turn off if two real events can be identical: the same text twice within one second in one conversation.',
			},
		],
	},
];
