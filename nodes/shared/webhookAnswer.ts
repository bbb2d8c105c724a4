/**
 * How a node's `webhook()` answers: it writes the status and body itself, so that every answer
 * (401, 400, 200 ignored, 200 accepted) is immediate and exact, and tells n8n not to write another
 * (`noWebhookResponse`). Shared by the trigger and Dispatch and Wait's resume webhook.
 */
import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

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
