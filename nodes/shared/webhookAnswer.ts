/**
 * How a node's `webhook()` answers, in one place for the trigger and Dispatch and Wait's resume
 * webhook:
 * - a request that starts or resumes nothing (401, 400, 413, 200 ignored or not resumed): the node
 *   writes the status and body itself, at once, and tells n8n not to write another
 *   (`noWebhookResponse`);
 * - a request that starts or resumes the execution: n8n writes the answer, once it holds the
 *   execution (n8n 2.x after saving, resuming or queueing it), so that a failure there, or a resume
 *   another request or the wait limit won first, is an error answer rather than a 200. The webhook
 *   description must set `responseData: ''` for n8n to send this body as it is.
 */
import type {
	IDataObject,
	IWebhookFunctions,
	IWebhookResponseData,
	INodeExecutionData,
} from 'n8n-workflow';

/** The part of n8n's (express) response a node writes with; an express response is one. */
interface ResponseWriter {
	writeHead(statusCode: number, headers: Record<string, string>): unknown;
	end(body: string): unknown;
}

/** The part of n8n's request the nodes read: the bytes n8n read from the request. */
export interface RawRequest {
	rawBody?: unknown;
}

export function answerWebhook(
	context: IWebhookFunctions,
	statusCode: number,
	body: IDataObject,
): IWebhookResponseData {
	const response: ResponseWriter = context.getResponseObject();
	response.writeHead(statusCode, { 'Content-Type': 'application/json; charset=utf-8' });
	response.end(JSON.stringify(body));
	return { noWebhookResponse: true };
}

/** Starts or resumes the execution with `workflowData`; n8n answers with `body` once it holds it. */
export function answeredByN8n(
	workflowData: INodeExecutionData[][],
	body: IDataObject,
): IWebhookResponseData {
	return { workflowData, webhookResponse: body };
}
