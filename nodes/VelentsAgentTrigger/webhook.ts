/**
 * What happens to each request at the trigger's URL, in order:
 *
 * 1. secret (when the credential has one) missing or wrong → 401, no execution;
 * 2. body not JSON, not an object, or without `event.type` → 400, no execution;
 * 3. an event not selected, another agent's event, required extraction fields missing → 200
 *    `{received: true, ignored: <reason>}`, no execution;
 * 4. an event already accepted (a repeated delivery) → 200 `{received: true, ignored: 'duplicate'}`;
 * 5. otherwise → 200 `{received: true}` at once, and the workflow runs with the normalised event.
 *
 * The node writes every answer itself (`noWebhookResponse`), so the caller never waits for the
 * workflow and never hangs.
 */
import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { CREDENTIAL_TYPES } from '../shared/contract';
import { rememberedIdentity } from './activation';
import { deliveries, eventKey } from './deduplication';
import { PARAMETERS } from './description';
import {
	IGNORED,
	carriesFinalOrNewExtraction,
	isOtherAgent,
	isSelectedEvent,
	missingFields,
	parseFieldList,
} from './filters';
import { isAuthorised, parseEventBody } from './incoming';
import { normaliseEvent } from './normalise';
import { agentOf, extractionOf } from './payload';

/** The part of n8n's (express) response the trigger writes with; an express response is one. */
interface ResponseWriter {
	writeHead(statusCode: number, headers: Record<string, string>): unknown;
	end(body: string): unknown;
}

/** The part of n8n's request the trigger reads: the bytes n8n read when it did not parse the body. */
interface RawRequest {
	rawBody?: unknown;
}

export async function receiveEvent(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const credentials = await this.getCredentials<{ webhookSecret?: unknown }>(
		CREDENTIAL_TYPES.agent,
	);
	const secret = typeof credentials.webhookSecret === 'string' ? credentials.webhookSecret : '';
	if (!isAuthorised(secret, this.getHeaderData() as Record<string, unknown>)) {
		return answer(this, 401, {
			message:
				'The webhook secret is missing or wrong: the event must carry the Velents credential’s Webhook Secret.',
		});
	}

	const request: RawRequest = this.getRequestObject();
	const parsed = parseEventBody(this.getBodyData(), request.rawBody);
	if (!parsed.ok) return answer(this, 400, { message: parsed.problem });
	const { payload, type, about } = parsed;

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

	// Test URL events always fire, so that a sample can be sent again while building the workflow.
	if (
		this.getMode() !== 'manual' &&
		deliveries.isDuplicate(scopeOf(this), eventKey(payload, type, about))
	) {
		return ignore(this, IGNORED.duplicate);
	}

	const options = this.getNodeParameter(PARAMETERS.options, {}) as IDataObject;
	const item = normaliseEvent(payload, {
		receivedAt: new Date(),
		includeRaw: options[PARAMETERS.includeRawPayload] === true,
	});
	return answer(this, 200, { received: true }, [[{ json: item }]]);
}

/** Duplicates are told apart per workflow and trigger node. */
function scopeOf(context: IWebhookFunctions): string {
	const node = context.getNode();
	return `${context.getWorkflow().id ?? ''}\u0000${node.id || node.name}`;
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
	workflowData?: IWebhookResponseData['workflowData'],
): IWebhookResponseData {
	const response: ResponseWriter = context.getResponseObject();
	response.writeHead(statusCode, { 'Content-Type': 'application/json; charset=utf-8' });
	response.end(JSON.stringify(body));
	return workflowData ? { noWebhookResponse: true, workflowData } : { noWebhookResponse: true };
}
