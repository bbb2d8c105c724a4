/**
 * Webhook delivery for workflow tests: a local HTTP receiver for one webhook trigger of a workflow,
 * doing per request what n8n 2.41's webhook server does (read as its code: `rawBodyReader`,
 * `parseBody`, `WebhookService.runWebhook`, `executeWebhook`):
 *
 * - the body: `rawBody` always kept; `application/json` parsed (malformed JSON → 422 before the
 *   node runs), `text/plain` as a string, `application/x-www-form-urlencoded` as fields; any other
 *   content type left unparsed (`body` undefined);
 * - the trigger's `webhook()` runs in n8n-core's real `WebhookContext` (credentials through the
 *   harness's credentials helper, workflow static data shared with activation);
 * - the answer: nothing when the node says `noWebhookResponse` (it wrote the response itself);
 *   without `workflowData`, 200 with `webhookResponse` or n8n's default; with `workflowData` in
 *   `onReceived` mode, the answer n8n 2.41 gives (see `onReceivedBody`), then the workflow runs;
 *   a throwing `webhook()` → 500 "Workflow Webhook Error: Workflow could not be started!";
 * - the rest of the workflow runs with `runWorkflow`, from the trigger node, with its items.
 *
 * Activation (`activate`/`deactivate`) runs the node's `webhookMethods.default` in n8n-core's real
 * `HookContext`, as n8n does: `checkExists`, then `create` when it says false; `delete`.
 *
 * Left out: test webhooks' one-shot registration, binary/multipart bodies, XML, response headers and
 * `responseNode`/`lastNode` modes. n8n answers through express; here the node gets Node's own
 * `ServerResponse` (express's base class), so a node must write with `writeHead`/`end` (or
 * `statusCode`/`setHeader`/`end`), not express's `status().json()`.
 */
import { runWorkflow } from './index';

import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse as parseQueryString } from 'node:querystring';

import { HookContext, WebhookContext } from 'n8n-core';
import type {
	IDataObject,
	INode,
	INodeType,
	IWebhookData,
	IWebhookDescription,
	IWebhookResponseData,
	WorkflowActivateMode,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { UserError, Workflow } from 'n8n-workflow';

import { createAdditionalData } from './additional-data';
import type { CredentialsByType } from './credentials-helper';
import { HarnessCredentialsHelper } from './credentials-helper';
import { NodePackage } from './node-package';
import { activeWorkflow } from './run-workflow';
import type { WorkflowJson, WorkflowRunResult } from './run-workflow';

export interface WebhookReceiverOptions {
	workflow: WorkflowJson;
	/** Directory of the package whose built nodes are used (as for `runWorkflow`). */
	nodePackageDir: string;
	credentials?: CredentialsByType;
	/** Name of the webhook trigger node. Default: the first node with a `webhook` method. */
	triggerNode?: string;
	/** 'webhook' (production URL, the default) or 'manual' (test URL). */
	mode?: Extract<WorkflowExecuteMode, 'webhook' | 'manual'>;
}

/** One request the receiver answered. */
export interface ReceivedWebhookRequest {
	method: string;
	headers: http.IncomingHttpHeaders;
	rawBody: string;
	status: number | null;
	/** The answer's body as text. */
	responseBody: string;
	/** Whether `webhook()` returned workflow data, so that an execution started. */
	startedExecution: boolean;
	/** What went wrong in the node, when `webhook()` threw or never answered. */
	problem?: string;
}

export interface WebhookReceiver {
	/** The trigger's URL on this receiver (what goes into Velents' `webhook.link`). */
	readonly url: string;
	/** Runs `checkExists`, then `create` if it answered false, as n8n does when activating. */
	activate(activation?: WorkflowActivateMode): Promise<void>;
	/** Runs `delete`, as n8n does when deactivating. */
	deactivate(): Promise<void>;
	/** The trigger node's workflow static data (what activation remembered). */
	staticData(): IDataObject;
	readonly requests: readonly ReceivedWebhookRequest[];
	/** The executions the trigger started, in the order they started. */
	readonly executions: ReadonlyArray<Promise<WorkflowRunResult>>;
	/** Every execution started so far, finished. */
	settled(): Promise<WorkflowRunResult[]>;
	close(): Promise<void>;
}

const WEBHOOK_ERROR = 'Workflow Webhook Error: Workflow could not be started!';

export async function startWebhookReceiver(
	options: WebhookReceiverOptions,
): Promise<WebhookReceiver> {
	const nodePackage = await NodePackage.load(options.nodePackageDir);
	const credentials = { ...options.credentials };
	const mode = options.mode ?? 'webhook';
	const workflow = activeWorkflow(options.workflow, nodePackage, 'webhook');
	const node = findTriggerNode(workflow, nodePackage, options.triggerNode);
	const nodeType = nodePackage.getByNameAndVersion(node.type, node.typeVersion);
	const description = webhookDescriptionOf(nodeType, node);
	const webhookPath = `/webhook/${node.webhookId ?? node.id}/${description.path}`;
	const additionalData = createAdditionalData(
		new HarnessCredentialsHelper(nodePackage, credentials),
	);
	const webhookData: IWebhookData = {
		httpMethod: description.httpMethod as IWebhookData['httpMethod'],
		node: node.name,
		path: webhookPath,
		webhookDescription: description,
		workflowId: workflow.id,
		workflowExecuteAdditionalData: additionalData,
		isTest: mode === 'manual',
	};

	const requests: ReceivedWebhookRequest[] = [];
	const executions: Array<Promise<WorkflowRunResult>> = [];

	const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
		const rawBody = await readAll(req);
		const record = recordRequest(req, res, rawBody);
		requests.push(record);

		const path = new URL(req.url ?? '/', 'http://receiver.invalid').pathname;
		if (path !== webhookPath || record.method !== description.httpMethod) {
			return writeJson(res, 404, {
				message: `The requested webhook "${record.method} ${path}" is not registered.`,
			});
		}
		try {
			parseBody(req, rawBody);
		} catch (error) {
			return writeJson(res, 422, { message: 'Failed to parse request body', hint: String(error) });
		}

		const context = new WebhookContext(
			workflow,
			node,
			{ ...additionalData, httpRequest: req as never, httpResponse: res as never },
			mode,
			webhookData,
			[],
			null,
		);
		let result: IWebhookResponseData;
		try {
			result = await (nodeType.webhook as NonNullable<INodeType['webhook']>).call(context);
		} catch (error) {
			record.problem = `webhook() threw: ${error instanceof Error ? error.message : String(error)}`;
			return writeJson(res, 500, { code: 0, message: WEBHOOK_ERROR });
		}

		if (result.noWebhookResponse === true) {
			if (!res.writableEnded) {
				// n8n would leave the caller waiting until it gives up: fail fast and say why.
				record.problem =
					'webhook() returned noWebhookResponse without writing a response: the caller would hang';
				res.destroy();
			}
		} else if (result.workflowData === undefined) {
			writeJson(res, 200, result.webhookResponse ?? { message: 'Webhook call received' });
		} else if ((description.responseMode ?? 'onReceived') === 'onReceived') {
			writeJson(res, 200, onReceivedBody(description, result));
		}

		if (result.workflowData !== undefined) {
			record.startedExecution = true;
			executions.push(
				runWorkflow({
					workflow: options.workflow,
					nodePackageDir: options.nodePackageDir,
					credentials,
					triggerItems: result.workflowData[0] ?? [],
					startNode: node.name,
				}),
			);
		}
	};

	const server = http.createServer((req, res) => {
		handle(req, res).catch((error: unknown) => {
			if (!res.headersSent) writeJson(res, 500, { message: String(error) });
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;

	const runWebhookMethod = async (
		method: 'checkExists' | 'create' | 'delete',
		activation: WorkflowActivateMode,
	): Promise<boolean | undefined> => {
		const fn = nodeType.webhookMethods?.[description.name]?.[method];
		if (fn === undefined) return undefined;
		const context = new HookContext(
			workflow,
			node,
			additionalData,
			mode === 'manual' ? 'manual' : 'trigger',
			activation,
			webhookData,
		);
		return await fn.call(context);
	};

	let closed: Promise<void> | undefined;
	return {
		url: `http://127.0.0.1:${port}${webhookPath}`,
		activate: async (activation = 'activate') => {
			if (!(await runWebhookMethod('checkExists', activation)))
				await runWebhookMethod('create', activation);
		},
		deactivate: async () => {
			await runWebhookMethod('delete', 'update');
		},
		staticData: () => workflow.getStaticData('node', node),
		requests,
		executions,
		settled: async () => await Promise.all(executions),
		close: async () => {
			closed ??= new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			});
			await closed;
		},
	};
}

function findTriggerNode(
	workflow: Workflow,
	nodePackage: NodePackage,
	name: string | undefined,
): INode {
	const candidates = Object.values(workflow.nodes).filter(
		(candidate) => name === undefined || candidate.name === name,
	);
	// A waiting webhook (`restartWebhook`, such as a "send and wait" operation's) starts nothing.
	const node = candidates.find((candidate) => {
		const nodeType = nodePackage.getByNameAndVersion(candidate.type, candidate.typeVersion);
		return (
			nodeType.webhook !== undefined &&
			(nodeType.description.webhooks ?? []).some((webhook) => webhook.restartWebhook !== true)
		);
	});
	if (!node) {
		throw new UserError(
			name === undefined
				? 'The workflow has no webhook trigger'
				: `No webhook trigger named "${name}"`,
		);
	}
	return node;
}

/** The node's first webhook, its expressions (`={{$parameter...}}`) resolved against the node. */
function webhookDescriptionOf(nodeType: INodeType, node: INode): IWebhookDescription {
	const description = nodeType.description.webhooks?.[0];
	if (!description) throw new UserError(`Node "${node.name}" describes no webhook`);
	for (const field of ['httpMethod', 'path'] as const) {
		if (typeof description[field] !== 'string' || description[field].startsWith('=')) {
			throw new UserError(
				`The harness only supports a fixed webhook ${field}; "${node.name}" has an expression`,
			);
		}
	}
	return { ...description };
}

/**
 * The `onReceived` answer of n8n 2.41.1 (`extractWebhookOnReceivedResponse` with `responseData`
 * evaluated with the default 'firstEntryJson'): a trigger that sets no `responseData` is answered
 * the text "firstEntryJson", whatever its `webhookResponse`. Triggers that want a useful answer write
 * it themselves (`noWebhookResponse`), or set `responseData`.
 */
export function onReceivedBody(
	description: IWebhookDescription,
	result: IWebhookResponseData,
): unknown {
	const responseData = description.responseData ?? 'firstEntryJson';
	if (responseData === 'noData') return undefined;
	if (responseData) return responseData;
	return result.webhookResponse ?? { message: 'Workflow was started' };
}

/** n8n's `parseBody` for the content types a webhook trigger meets (rawBody is always kept). */
export function parseBody(req: http.IncomingMessage, rawBody: Buffer): void {
	const [type = '', ...parameters] = (req.headers['content-type'] ?? '').split(';');
	const contentType = type.trim().toLowerCase();
	const charset = parameters
		.map((parameter) => parameter.trim().toLowerCase())
		.find((parameter) => parameter.startsWith('charset='))
		?.slice('charset='.length);
	const encoding = (charset ?? 'utf-8') as BufferEncoding;
	Object.assign(req, { rawBody, contentType: contentType || undefined, encoding });
	if (rawBody.length === 0) return;
	const text = stripBom(rawBody.toString(encoding));
	if (contentType === 'application/json') Object.assign(req, { body: JSON.parse(text) as unknown });
	else if (contentType === 'text/plain') Object.assign(req, { body: text });
	else if (contentType === 'application/x-www-form-urlencoded') {
		Object.assign(req, { body: parseQueryString(text, undefined, undefined, { maxKeys: 1000 }) });
	}
}

function stripBom(text: string): string {
	return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

export async function readAll(req: http.IncomingMessage): Promise<Buffer> {
	const chunks: Buffer[] = [];
	for await (const chunk of req) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks);
}

/** A request's record, which keeps the answer written to it (whoever writes it). */
export function recordRequest(
	req: http.IncomingMessage,
	res: http.ServerResponse,
	rawBody: Buffer,
): ReceivedWebhookRequest {
	const record: ReceivedWebhookRequest = {
		method: req.method ?? 'GET',
		headers: req.headers,
		rawBody: rawBody.toString('utf8'),
		status: null,
		responseBody: '',
		startedExecution: false,
	};
	captureAnswer(res, record);
	return record;
}

/** Keeps what is written to `res` on the record, whoever writes it (the node or the receiver). */
function captureAnswer(res: http.ServerResponse, record: ReceivedWebhookRequest): void {
	const chunks: Buffer[] = [];
	const end = res.end.bind(res) as (...args: unknown[]) => http.ServerResponse;
	const write = res.write.bind(res) as (...args: unknown[]) => boolean;
	const keep = (chunk: unknown) => {
		if (typeof chunk === 'string' || Buffer.isBuffer(chunk)) chunks.push(Buffer.from(chunk));
	};
	res.write = ((chunk: unknown, ...rest: unknown[]) => {
		keep(chunk);
		return write(chunk, ...rest);
	}) as typeof res.write;
	res.end = ((chunk?: unknown, ...rest: unknown[]) => {
		if (typeof chunk !== 'function') keep(chunk);
		record.status = res.statusCode;
		record.responseBody = Buffer.concat(chunks).toString('utf8');
		return end(chunk, ...rest);
	}) as typeof res.end;
}

export function writeJson(res: http.ServerResponse, status: number, body: unknown): void {
	if (res.headersSent) return;
	const text = typeof body === 'string' ? body : JSON.stringify(body ?? '');
	res.writeHead(status, {
		'content-type':
			typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8',
	});
	res.end(text);
}
