/**
 * How a node's `webhook()` answers: it writes the status and body itself, so that every answer
 * (401, 400, 200 ignored, 200 accepted) is immediate and exact, and tells n8n not to write another
 * (`noWebhookResponse`). Shared by the trigger and Dispatch and Wait's resume webhook.
 */
import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { CREDENTIAL_TYPES } from './transport';
import { isAuthorised } from './webhookSecret';

/** The part of n8n's (express) response a node writes with; an express response is one. */
interface ResponseWriter {
	writeHead(statusCode: number, headers: Record<string, string>): unknown;
	end(body: string): unknown;
}

/** The part of n8n's request the nodes read: the bytes n8n read when it did not parse the body. */
export interface RawRequest {
	rawBody?: unknown;
}

export function answerWebhook(
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

/** Whether the request carries the Velents Agent credential's webhook secret (see `isAuthorised`). */
export async function isAuthorisedRequest(context: IWebhookFunctions): Promise<boolean> {
	const credentials = await context.getCredentials<{ webhookSecret?: unknown }>(
		CREDENTIAL_TYPES.agent,
	);
	const secret = typeof credentials.webhookSecret === 'string' ? credentials.webhookSecret : '';
	return isAuthorised(secret, context.getHeaderData() as Record<string, unknown>);
}

/** The message of the 401 both webhooks answer to an event without the credential's secret. */
export const WRONG_SECRET_MESSAGE =
	'The webhook secret is missing or wrong: the event must carry the Velents credential’s Webhook Secret.';
