/**
 * What happens to each request at the trigger's URL. The checks run in this order, cheapest and
 * most telling last, so that nothing about the workflow is revealed before the secret is verified:
 *
 * 1. secret (when the credential has one) missing or wrong → 401, no execution. Verified from the
 *    digest remembered per credential (`./verification`): the credential is read at most once per
 *    5 s while events carry its secret, and again at once for any other. A 401 tells the caller
 *    only that the secret is missing or wrong.
 * 2. body larger than 1 MiB → 413; not JSON, not an object, nested deeper than 64 levels, or
 *    without `event.type` → 400; no execution. Tells the caller what a Velents event must be.
 * 3. an event not selected, another agent's event, required extraction fields missing → 200
 *    `{received: true, ignored: <reason>}` (with the missing fields), no execution: each check
 *    reads only the node's parameters and the body, cheapest first.
 * 4. a byte-identical copy of an event accepted within the hour (a redelivery; unless "Ignore
 *    Repeated Deliveries" is off) → 200 `{received: true, ignored: 'duplicate'}`.
 * 5. otherwise → 200 `{received: true}`, written by n8n once it holds the execution (see the end of
 *    `receiveEvent`), and the workflow runs with the normalised event.
 *
 * The node writes every other answer itself (`noWebhookResponse`), at once; the caller never waits
 * for the workflow.
 */
import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { CREDENTIAL_TYPES } from '../shared/contract';
import { rememberedIdentity } from './activation';
import { deliveries, deliveryKey } from './deduplication';
import { PARAMETERS } from './description';
import {
	IGNORED,
	carriesFinalOrNewExtraction,
	isOtherAgent,
	isSelectedEvent,
	missingFields,
	parseFieldList,
} from './filters';
import { parseEventBody } from './incoming';
import { normaliseEvent } from './normalise';
import { agentOf, extractionOf } from './payload';
import { secrets } from './verification';

/** The part of n8n's (express) response the trigger writes with; an express response is one. */
interface ResponseWriter {
	writeHead(statusCode: number, headers: Record<string, string>): unknown;
	end(body: string): unknown;
}

/** The part of n8n's request the trigger reads: the bytes n8n read from the request. */
interface RawRequest {
	rawBody?: unknown;
}

export async function receiveEvent(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const verified = await secrets.verify(
		credentialScopeOf(this),
		this.getHeaderData() as Record<string, unknown>,
		async () => {
			const credentials = await this.getCredentials<{ webhookSecret?: unknown }>(
				CREDENTIAL_TYPES.agent,
			);
			return typeof credentials.webhookSecret === 'string' ? credentials.webhookSecret : '';
		},
	);
	if (!verified) {
		return answer(this, 401, {
			message:
				'The webhook secret is missing or wrong: the event must carry the Webhook Secret of the trigger’s Velents Agent API credential.',
		});
	}

	const request: RawRequest = this.getRequestObject();
	const parsed = parseEventBody(this.getBodyData(), request.rawBody);
	if (!parsed.ok) return answer(this, parsed.statusCode, { message: parsed.problem });
	const { payload, type, about, bytes } = parsed;

	const selected = this.getNodeParameter(PARAMETERS.events, []) as string[];
	if (!isSelectedEvent(selected, type, about)) return ignore(this, IGNORED.eventNotSelected);

	const onlyThisAgent = this.getNodeParameter(PARAMETERS.onlyThisAgent, true) as boolean;
	const identity = rememberedIdentity(this.getWorkflowStaticData('node'));
	if (onlyThisAgent && isOtherAgent(identity, agentOf(payload)))
		return ignore(this, IGNORED.otherAgent);

	const required = parseFieldList(this.getNodeParameter(PARAMETERS.requiredExtractionFields, ''));
	if (required.length > 0 && carriesFinalOrNewExtraction(type, about)) {
		const missing = missingFields(required, extractionOf(payload));
		if (missing.length > 0) return ignore(this, IGNORED.missingExtraction, { missing });
	}

	const options = this.getNodeParameter(PARAMETERS.options, {}) as IDataObject;
	// Test URL events always fire, so that a sample can be sent again while building the workflow.
	const key =
		options[PARAMETERS.ignoreRepeatedDeliveries] !== false && this.getMode() !== 'manual'
			? deliveryKey(nodeScopeOf(this), bytes)
			: undefined;
	if (key !== undefined && deliveries.isDuplicate(key)) return ignore(this, IGNORED.duplicate);

	const item = normaliseEvent(payload, {
		receivedAt: new Date(),
		includeRaw: options[PARAMETERS.includeRawPayload] === true,
	});
	if (key !== undefined) forgetUnlessTaken(this, key);
	// n8n writes this answer itself, once it holds the execution: n8n 2.x after saving it (and, in
	// queue mode, queueing it), so that a failure there is an error answer and Velents may deliver
	// again; n8n 1.x answers before it saves the execution.
	return { workflowData: [[{ json: item }]], webhookResponse: ACCEPTED };
}

const ACCEPTED: IDataObject = { received: true };

/** The part of n8n's (express) response the trigger watches: how n8n's own answer ended. */
interface SettledResponse {
	statusCode: number;
	writableFinished: boolean;
	once(event: 'close', listener: () => void): unknown;
}

/**
 * Forgets the delivery when n8n's answer is not a success that reached the caller (n8n could not
 * save or queue the execution, or the connection broke): a redelivery must then run, not be
 * dropped as a duplicate.
 */
function forgetUnlessTaken(context: IWebhookFunctions, key: string): void {
	const response: SettledResponse = context.getResponseObject();
	response.once('close', () => {
		const taken = response.writableFinished && response.statusCode < 300;
		if (!taken) deliveries.forget(key);
	});
}

/** Duplicates are told apart per workflow and trigger node. */
function nodeScopeOf(context: IWebhookFunctions): string {
	const node = context.getNode();
	return `${context.getWorkflow().id ?? ''}\u0000${node.id || node.name}`;
}

/** Secrets are remembered per credential (its id in n8n); per node when the node names none. */
function credentialScopeOf(context: IWebhookFunctions): string {
	const credential = context.getNode().credentials?.[CREDENTIAL_TYPES.agent];
	return credential?.id ? `credential\u0000${credential.id}` : `node\u0000${nodeScopeOf(context)}`;
}

function ignore(
	context: IWebhookFunctions,
	reason: string,
	details: IDataObject = {},
): IWebhookResponseData {
	return answer(context, 200, { received: true, ignored: reason, ...details });
}

function answer(
	context: IWebhookFunctions,
	statusCode: number,
	body: IDataObject,
): IWebhookResponseData {
	const response: ResponseWriter = context.getResponseObject();
	response.writeHead(statusCode, { 'Content-Type': 'application/json; charset=utf-8' });
	response.end(JSON.stringify(body));
	return { noWebhookResponse: true };
}
