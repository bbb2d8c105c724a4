/**
 * Dispatch and Wait: Dispatch, with the webhook link set to this execution's resume URL, then
 * n8n's waiting state until the conversation ends (or the wait limit passes). No worker is held
 * while waiting; the wait is in n8n's database and survives a restart.
 *
 * How the execution continues, in both cases with ONE item on the node's output:
 * - an event of "Resume On" arrives at the resume URL: `webhook()` turns it into the Velents Agent
 *   Trigger's normalised item plus `outcome`, and n8n resumes with it;
 * - the limit passes: n8n resumes without calling the node, passing the waiting node's queued input
 *   through (n8n 1.x and 2.x alike). Before parking, the node replaces that input with the
 *   `timed_out` item, so both cases have the same shape.
 * With Skip Contacts Already Dispatched, a customer already reached is not dispatched to and not
 * waited for: the execution goes on at once with Dispatch's skipped item plus outcome `skipped`.
 */
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	IWebhookDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { CALL_EVENTS, ConversationEventType } from '../../shared/contract';
import { answerWebhook, answeredByN8n } from '../../shared/webhookAnswer';
import { isRecord } from '../../shared/validation';
import { errorItem, withItemIndex } from '../../shared/execution';
import { readVerifiedEvent } from '../../VelentsAgentTrigger/incoming';
import { normaliseEvent, normaliseSubject } from '../../VelentsAgentTrigger/normalise';
import { conversationProperties, webhookProperty } from './common';
import * as dispatch from './dispatch.operation';
import { dispatchedContactsProperties, isSkipped } from './dispatchedContacts';
import { readWaitTill, waitLimitProperties } from './waitLimit';

export const OPERATION = 'dispatchAndWait';

/** What ended the wait: the `outcome` field of the output item. */
export type WaitOutcome =
	| 'ended'
	| 'call_done'
	| 'call_failed'
	| 'no_answer'
	| 'timed_out'
	| 'skipped';

/** The events that can end the wait, and the outcome each one means. */
const RESUME_EVENTS: Record<
	ConversationEventType | (typeof CALL_EVENTS)[number],
	WaitOutcome | undefined
> = {
	onStarted: undefined,
	onMessage: undefined,
	onUpdate: undefined,
	onEnded: 'ended',
	ondone: 'call_done',
	onfailed: 'call_failed',
	onno_response: 'no_answer',
};

const show = { operation: [OPERATION] };

/** Dispatch's webhook settings without its Link: the link is this execution's resume URL. */
const webhookSettings: INodeProperties = (() => {
	const property = webhookProperty('dispatch');
	return {
		...property,
		description:
			'Extra headers and body fields Velents sends with every event of the conversation. The link is set by the node: the execution’s own resume URL.',
		displayOptions: { show },
		options: property.options?.filter((option) => option.name !== 'link'),
	};
})();

export const description: INodeProperties[] = [
	...conversationProperties('dispatch').map((property) => ({
		...property,
		displayOptions: {
			show: { ...property.displayOptions?.show, ...show },
		},
	})),
	{
		displayName: 'Resume On',
		name: 'resumeOn',
		type: 'multiOptions',
		default: ['ended', 'call_done', 'call_failed', 'no_answer'],
		description:
			'Which events end the wait and continue the workflow. The other events are answered at once and do not continue it.',
		options: [
			{
				name: 'Call Done (Voice)',
				value: 'call_done',
				description: 'The call ended normally (ondone)',
			},
			{
				name: 'Call Failed (Voice)',
				value: 'call_failed',
				description: 'The call could not be made (onfailed)',
			},
			{
				name: 'Call Not Answered (Voice)',
				value: 'no_answer',
				description: 'The customer did not answer (onno_response)',
			},
			{
				name: 'Conversation Ended',
				value: 'ended',
				description: 'The conversation is over, with what the agent extracted (onEnded)',
			},
		],
		displayOptions: { show },
	},
	...waitLimitProperties(show),
	webhookSettings,
	...dispatchedContactsProperties([OPERATION]),
];

/**
 * The waiting webhook: a path of its own (the node's id after the resume URL), so that a late event
 * of another waiting node of the same execution finds no webhook (404) instead of resuming this one.
 */
export const resumeWebhooks: IWebhookDescription[] = [
	{
		name: 'default',
		httpMethod: 'POST',
		responseMode: 'onReceived',
		responseData: '',
		path: '={{ $nodeId }}',
		restartWebhook: true,
		isFullPath: true,
	},
];

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	if (items.length > 1) {
		throw new NodeOperationError(
			this.getNode(),
			`Dispatch and Wait handles one conversation per execution, and it received ${items.length} items`,
			{
				description:
					'Run it once per item: put it in a sub-workflow and call that with the Execute Sub-workflow node (Mode: Run once for each item), or use Dispatch with a Velents Agent Trigger.',
			},
		);
	}
	try {
		const waitTill = readWaitTill(this);
		const conversation = (await dispatch.execute.call(
			withWebhookLink(this, resumeUrlOf(this)),
			0,
		)) as IDataObject;
		if (isSkipped(conversation)) {
			const skipped: IDataObject = { outcome: 'skipped' satisfies WaitOutcome, ...conversation };
			return [{ json: skipped, pairedItem: { item: 0 } }];
		}
		queueTimeoutItem(this, conversation);
		await this.putExecutionToWait(waitTill);
		// Shown while waiting; n8n replaces it with the item it resumes with.
		return [{ json: conversation, pairedItem: { item: 0 } }];
	} catch (error) {
		if (this.continueOnFail()) return [errorItem(error, 0)];
		throw withItemIndex(this, error, 0);
	}
}

/**
 * An event at the resume URL, verified and parsed as the trigger does: 401 without the credential's
 * secret, 413 or 400 to what is not a Velents event, 200 without resuming to an event not in Resume
 * On; otherwise n8n resumes the execution with the event and answers 200 once it has (an error when
 * the wait limit won the race). A later end event finds the execution no longer waiting: n8n
 * answers it 409 before this runs.
 */
export async function receiveResumeEvent(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const event = await readVerifiedEvent(this);
	if (!event.ok) return event.answered;

	const outcome = outcomeOf(event.type);
	const resumeOn = this.getNodeParameter('resumeOn', []) as string[];
	if (outcome === undefined || !resumeOn.includes(outcome)) {
		return answerWebhook(this, 200, { received: true, resumed: false });
	}
	const item = { outcome, ...normaliseEvent(event.payload, { receivedAt: new Date() }) };
	return answeredByN8n([[{ json: item }]], { received: true, resumed: true });
}

export function outcomeOf(eventType: string): WaitOutcome | undefined {
	return Object.hasOwn(RESUME_EVENTS, eventType)
		? RESUME_EVENTS[eventType as keyof typeof RESUME_EVENTS]
		: undefined;
}

/**
 * This execution's resume URL, with the node's id as the path suffix the webhook listens on. The
 * query (n8n 2.x's `?signature=<token>`) is kept: Velents must post to the whole URL.
 */
function resumeUrlOf(context: IExecuteFunctions): string {
	const base = context.evaluateExpression('{{ $execution.resumeUrl }}', 0);
	if (typeof base !== 'string' || base === '') {
		throw new NodeOperationError(context.getNode(), 'n8n gave no resume URL for this execution', {
			itemIndex: 0,
		});
	}
	const url = new URL(base);
	url.pathname = `${url.pathname.replace(/\/$/, '')}/${encodeURIComponent(context.getNode().id)}`;
	return url.toString();
}

interface WebhookSettings {
	headers?: unknown;
	body?: unknown;
}

/**
 * The context Dispatch runs in: the same, except that its Webhook parameter carries the resume URL
 * as its link (with this operation's headers and body fields), so that Dispatch's checks, request
 * and secret header apply unchanged.
 */
function withWebhookLink(context: IExecuteFunctions, link: string): IExecuteFunctions {
	const getNodeParameter = context.getNodeParameter.bind(context);
	const webhookParameter = (itemIndex: number): IDataObject => {
		const settings = getNodeParameter('webhook', itemIndex, {}) as WebhookSettings;
		return { ...(settings as IDataObject), link };
	};
	return Object.create(context, {
		getNodeParameter: {
			value: (name: string, itemIndex: number, ...rest: unknown[]) =>
				name === 'webhook'
					? webhookParameter(itemIndex)
					: (getNodeParameter as (...args: unknown[]) => unknown)(name, itemIndex, ...rest),
		},
	}) as IExecuteFunctions;
}

/**
 * What the node outputs when the limit passes. n8n then continues the waiting node without running
 * it, passing on the input queued for it (`getExecuteData().data`): replacing that input with this
 * item is how a timed-out wait is told apart. A resume by an event replaces it with the event.
 */
function queueTimeoutItem(context: IExecuteFunctions, conversation: IDataObject): void {
	const timedOut: IDataObject = {
		outcome: 'timed_out' satisfies WaitOutcome,
		event: null,
		about: 'conversation',
		agent: null,
		conversation: normaliseSubject(isRecord(conversation) ? conversation : undefined, false),
		extraction: {},
		receivedAt: null,
		custom: {},
	};
	context.getExecuteData().data.main = [[{ json: timedOut, pairedItem: { item: 0 } }]];
}
