/**
 * Waiting executions for workflow tests: what n8n 2.41 does for a node that called
 * `putExecutionToWait` (read as its code: `WaitingWebhooks.executeWebhook`, `prepareExecutionData`,
 * `WaitTracker`, `WorkflowExecute.handleWaitingState`).
 *
 * - `start` runs a workflow until it finishes or waits; `$execution.resumeUrl` points at this
 *   server (`<base>/<executionId>?signature=<resumeToken>`). The run data is kept as a copy, as n8n
 *   keeps it in its database, so nothing survives a wait by reference.
 * - `POST <base>/<executionId>[/<suffix>]`: an unknown execution → 404; a missing or wrong
 *   `signature` → 401 `{error: 'Invalid token'}`; an execution running (not parked yet, or already
 *   resumed) or finished → 409; no `restartWebhook` of the waiting node with that method and path
 *   (the suffix) → 404. Otherwise the node's `webhook()` runs in n8n-core's real `WebhookContext`:
 *   without `workflowData` it only answers; with it, the execution continues from the waiting node,
 *   disabled, with those items as its output (the parked run of the node dropped).
 * - `expire()`: what the wait tracker does once the limit has passed: the same execution continues
 *   from the waiting node, disabled, which passes on the input queued for it.
 *
 * Left out: forms, send-and-wait's HMAC-signed URLs, the wait tracker's clock (tests call `expire`).
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

import { WebhookContext } from 'n8n-core';
import type {
	ExecutionStatus,
	INode,
	INodeType,
	IRunExecutionData,
	IWebhookData,
	IWebhookDescription,
	IWebhookResponseData,
} from 'n8n-workflow';
import { UserError } from 'n8n-workflow';

import { createAdditionalData } from './additional-data';
import { HarnessCredentialsHelper } from './credentials-helper';
import type { PreparedWorkflow, RunWorkflowOptions, WorkflowRunResult } from './run-workflow';
import { continueWorkflow, nextExecutionId, prepareWorkflow, runWorkflow } from './run-workflow';
import type { ReceivedWebhookRequest } from './webhook';
import { onReceivedBody, parseBody, readAll, recordRequest, writeJson } from './webhook';

const BASE_PATH = '/webhook-waiting';

export interface WaitingExecution {
	readonly id: string;
	/** 'running' while it runs (before it parks, and while it runs on after a resume). */
	readonly status: ExecutionStatus;
	/** The latest run: the parked one while waiting, the finished one after. */
	readonly result: WorkflowRunResult;
	/** Every request to this execution's resume URL, in order. */
	readonly requests: readonly ReceivedWebhookRequest[];
	/** How many times it continued after a wait (by an event or at its limit). */
	readonly resumes: number;
	/** The wait tracker at the limit: continues the waiting node without running it. */
	expire(): Promise<WorkflowRunResult>;
	/** The latest run once nothing runs any more. */
	settled(): Promise<WorkflowRunResult>;
}

export interface WaitingWebhookServer {
	/** What `$execution.resumeUrl` starts with. */
	readonly baseUrl: string;
	/** Runs the workflow until it finishes or waits. */
	start(options: Omit<RunWorkflowOptions, 'webhookWaitingBaseUrl'>): Promise<WaitingExecution>;
	close(): Promise<void>;
}

interface ExecutionRecord extends WaitingExecution {
	status: ExecutionStatus;
	result: WorkflowRunResult;
	requests: ReceivedWebhookRequest[];
	resumes: number;
	options: RunWorkflowOptions;
	prepared: PreparedWorkflow;
	/** The run data as n8n's database holds it. */
	stored: IRunExecutionData;
	running: Promise<WorkflowRunResult>;
}

export async function startWaitingWebhookServer(): Promise<WaitingWebhookServer> {
	const executions = new Map<string, ExecutionRecord>();
	let baseUrl = '';

	/** Runs the execution on from its stored data; the promise settles when it stops again. */
	const runOn = (record: ExecutionRecord, runExecutionData: IRunExecutionData) => {
		record.status = 'running';
		record.resumes++;
		record.running = continueWorkflow(record.options, record.id, runExecutionData).then((result) =>
			keep(record, result),
		);
		return record.running;
	};

	const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
		const rawBody = await readAll(req);
		const record = recordRequest(req, res, rawBody);
		const url = new URL(req.url ?? '/', 'http://server.invalid');
		const [executionId, suffix] = url.pathname.slice(BASE_PATH.length + 1).split('/');
		const execution = url.pathname.startsWith(`${BASE_PATH}/`)
			? executions.get(executionId ?? '')
			: undefined;
		if (!execution) {
			return writeJson(res, 404, { message: `The execution "${executionId}" does not exist.` });
		}
		execution.requests.push(record);
		const token = execution.stored.resumeToken;
		if (token && url.searchParams.get('signature') !== token) {
			return writeJson(res, 401, { error: 'Invalid token' });
		}
		if (execution.status === 'running') {
			return writeJson(res, 409, {
				message: `The execution "${execution.id}" is running already.`,
			});
		}
		if (execution.status !== 'waiting') {
			return writeJson(res, 409, {
				message: `The execution "${execution.id} has finished already.`,
			});
		}

		const runExecutionData = structuredClone(execution.stored);
		const { workflow, nodePackage } = execution.prepared;
		const node = workflow.getNode(runExecutionData.resultData.lastNodeExecuted ?? '');
		const nodeType = node && nodePackage.getByNameAndVersion(node.type, node.typeVersion);
		const description =
			node && nodeType && waitingWebhookOf(execution.prepared, node, nodeType, record.method);
		if (!node || !nodeType?.webhook || description?.path !== (suffix ?? '')) {
			return writeJson(res, 404, {
				message: `The workflow for execution "${execution.id}" does not contain a waiting webhook with a matching path/method.`,
			});
		}
		try {
			parseBody(req, rawBody);
		} catch (error) {
			return writeJson(res, 422, { message: 'Failed to parse request body', hint: String(error) });
		}

		const additionalData = createAdditionalData(
			new HarnessCredentialsHelper(nodePackage, { ...execution.options.credentials }),
			{ executionId: execution.id, webhookWaitingBaseUrl: baseUrl },
		);
		const webhookData: IWebhookData = {
			httpMethod: description.httpMethod as IWebhookData['httpMethod'],
			node: node.name,
			path: description.path,
			webhookDescription: description,
			workflowId: workflow.id,
			workflowExecuteAdditionalData: additionalData,
		};
		const context = new WebhookContext(
			workflow,
			node,
			{ ...additionalData, httpRequest: req as never, httpResponse: res as never },
			'webhook',
			webhookData,
			[],
			runExecutionData,
		);
		let result: IWebhookResponseData;
		try {
			result = await nodeType.webhook.call(context);
		} catch (error) {
			record.problem = `webhook() threw: ${error instanceof Error ? error.message : String(error)}`;
			return writeJson(res, 500, { code: 0, message: 'Error in workflow' });
		}
		if (result.noWebhookResponse === true) {
			if (!res.writableEnded) {
				record.problem = 'webhook() returned noWebhookResponse without writing a response';
				res.destroy();
			}
		} else if (result.workflowData === undefined) {
			writeJson(res, 200, result.webhookResponse ?? { message: 'Webhook call received' });
		} else {
			// n8n 2.x writes it once the execution is resumed; the harness does not play that race.
			writeJson(res, 200, onReceivedBody(description, result));
		}
		if (result.workflowData === undefined) return;

		record.startedExecution = true;
		const [resuming] = runExecutionData.executionData?.nodeExecutionStack ?? [];
		if (!resuming) throw new UserError(`Execution ${execution.id} has nothing to resume`);
		resuming.node.disabled = true;
		resuming.data.main = result.workflowData;
		runExecutionData.waitTill = undefined;
		// The parked run is dropped: the node's run is the one it resumes with.
		runExecutionData.resultData.runData[node.name]?.pop();
		void runOn(execution, runExecutionData);
	};

	const server = http.createServer((req, res) => {
		handle(req, res).catch((error: unknown) => {
			if (!res.headersSent) writeJson(res, 500, { message: String(error) });
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}${BASE_PATH}`;

	let closed: Promise<void> | undefined;
	return {
		baseUrl,
		start: async (options) => {
			const id = nextExecutionId();
			const withBase = { ...options, webhookWaitingBaseUrl: baseUrl, executionId: id };
			const record = {
				id,
				status: 'running',
				requests: [],
				resumes: 0,
				options: withBase,
				prepared: await prepareWorkflow(withBase),
			} as unknown as ExecutionRecord;
			executions.set(id, record);
			record.running = runWorkflow(withBase).then((result) => keep(record, result));
			record.expire = async () => {
				if (record.status !== 'waiting') {
					throw new UserError(`Execution ${record.id} is ${record.status}, not waiting`);
				}
				return await runOn(record, structuredClone(record.stored));
			};
			record.settled = async () => {
				let current: Promise<WorkflowRunResult>;
				do {
					current = record.running;
					await current;
				} while (current !== record.running);
				return record.result;
			};
			await record.running;
			return record;
		},
		close: async () => {
			closed ??= new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			});
			await closed;
		},
	};
}

/** Keeps the run's data as n8n saves it, and its status. */
function keep(record: ExecutionRecord, result: WorkflowRunResult): WorkflowRunResult {
	record.stored = structuredClone(result.run.data);
	record.result = result;
	record.status = result.status;
	return result;
}

/** The node's waiting webhook for the method, its path evaluated as n8n does (`={{ $nodeId }}`). */
function waitingWebhookOf(
	{ workflow }: PreparedWorkflow,
	node: INode,
	nodeType: INodeType,
	method: string,
): IWebhookDescription | undefined {
	const description = nodeType.description.webhooks?.find(
		(webhook) => webhook.restartWebhook === true && webhook.httpMethod === method,
	);
	if (!description) return undefined;
	const path = workflow.expression.getSimpleParameterValue(node, description.path, 'webhook', {});
	return { ...description, path: String(path ?? '') };
}
