/**
 * Typed stand-ins for the contexts n8n gives the trigger: IWebhookFunctions for each request and
 * IHookFunctions for activation. Only what the trigger uses is implemented; the rest of the interface
 * is left out on purpose (a call to it fails the test loudly).
 */
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IHookFunctions,
	IHttpRequestOptions,
	INode,
	IWebhookFunctions,
	IWebhookResponseData,
	WorkflowExecuteMode,
} from 'n8n-workflow';

import { VelentsAgentTrigger } from '../../nodes/VelentsAgentTrigger/VelentsAgentTrigger.node';

export const NODE: INode = {
	id: 'trigger-node-id',
	name: 'Velents Agent Trigger',
	type: 'n8n-nodes-velents.velentsAgentTrigger',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
	credentials: { velentsAgentApi: { id: 'cred-1', name: 'Velents agent 4' } },
};

export const AGENT_CREDENTIALS = {
	token: 'agent-4-token',
	baseUrl: 'https://velents-agents.velents.ai',
	rateLimitWindowSeconds: 60,
	webhookSecret: '',
};

export interface TriggerParameters {
	events?: string[];
	onlyThisAgent?: boolean;
	requiredExtractionFields?: string;
	options?: IDataObject;
}

export interface IncomingRequest {
	/** What n8n parsed (`getBodyData()`): an object for JSON, a string for text/plain, else undefined. */
	body?: unknown;
	/** The bytes n8n read (`getRequestObject().rawBody`). */
	rawBody?: Buffer;
	headers?: Record<string, string | string[]>;
}

/** What the trigger wrote to the HTTP response. */
export interface WrittenResponse {
	statusCode?: number;
	headers?: Record<string, string>;
	/** The parsed JSON body. */
	body?: unknown;
	writes: number;
}

export interface WebhookCall {
	result: IWebhookResponseData;
	response: WrittenResponse;
}

let workflowCounter = 0;

/** A workflow of its own for each test, so that remembered deliveries never leak between tests. */
export function newWorkflowId(): string {
	return `workflow-${++workflowCounter}`;
}

export interface WebhookContextOptions {
	parameters?: TriggerParameters;
	credentials?: Partial<typeof AGENT_CREDENTIALS>;
	/** The node's workflow static data, as left by activation. */
	staticData?: IDataObject;
	mode?: WorkflowExecuteMode;
	workflowId?: string;
	/**
	 * The id of the node's credential in n8n. The trigger remembers a verified secret per credential
	 * for a few seconds, so each workflow gets a credential of its own unless a test shares one.
	 */
	credentialId?: string;
	/** Called on each credential read (the trigger reads the credential only to verify the secret). */
	onCredentialRead?: () => void;
	/**
	 * How n8n answers an event the trigger accepted (n8n writes that answer itself, once it holds the
	 * execution): 200 by default; 500 plays n8n failing to save or queue the execution.
	 */
	n8nAnswers?: number;
}

const DEFAULT_PARAMETERS: Required<TriggerParameters> = {
	events: ['*'],
	onlyThisAgent: true,
	requiredExtractionFields: '',
	options: {},
};

export function webhookContext(
	request: IncomingRequest,
	options: WebhookContextOptions = {},
): { context: IWebhookFunctions; response: WrittenResponse } {
	const parameters: IDataObject = { ...DEFAULT_PARAMETERS, ...options.parameters };
	const staticData = options.staticData ?? {};
	const workflowId = options.workflowId ?? newWorkflowId();
	const response: WrittenResponse = { writes: 0 };
	const closed: Array<() => void> = [];
	const node: INode = {
		...NODE,
		credentials: {
			velentsAgentApi: {
				id: options.credentialId ?? `cred-${workflowId}`,
				name: 'Velents agent 4',
			},
		},
	};
	const context = {
		getCredentials: async () => {
			options.onCredentialRead?.();
			return { ...AGENT_CREDENTIALS, ...options.credentials } as ICredentialDataDecryptedObject;
		},
		getHeaderData: () => ({ 'content-type': 'application/json', ...request.headers }),
		getBodyData: () => request.body as IDataObject,
		getRequestObject: () => ({ rawBody: request.rawBody }),
		getResponseObject: () => ({
			get statusCode() {
				return response.statusCode ?? 200;
			},
			get writableFinished() {
				return response.writes > 0;
			},
			writeHead(statusCode: number, headers: Record<string, string>) {
				response.statusCode = statusCode;
				response.headers = headers;
			},
			end(body: string) {
				response.writes++;
				response.body = JSON.parse(body) as unknown;
				closed.splice(0).forEach((listener) => listener());
			},
			once(event: string, listener: () => void) {
				if (event === 'close') closed.push(listener);
			},
		}),
		getNodeParameter: (name: string, fallback?: unknown) =>
			name in parameters ? parameters[name] : fallback,
		getWorkflowStaticData: (type: string) => {
			if (type !== 'node')
				throw new Error(`The trigger should use node static data, not "${type}"`);
			return staticData;
		},
		getMode: () => options.mode ?? 'webhook',
		getNode: () => node,
		getWorkflow: () => ({ id: workflowId, name: 'Velents test workflow', active: true }),
	};
	return { context: context as unknown as IWebhookFunctions, response };
}

/**
 * Runs the trigger's `webhook()` on one request. When the trigger leaves the answer to n8n (an
 * accepted event), writes it as n8n does: `webhookResponse` with the status n8n answers.
 */
export async function deliver(
	request: IncomingRequest,
	options: WebhookContextOptions = {},
): Promise<WebhookCall> {
	const { context, response } = webhookContext(request, options);
	const result = await new VelentsAgentTrigger().webhook.call(context);
	if (!result.noWebhookResponse) {
		const written = context.getResponseObject();
		const failed = (options.n8nAnswers ?? 200) >= 300;
		written.writeHead(options.n8nAnswers ?? 200, {
			'Content-Type': 'application/json; charset=utf-8',
		});
		written.end(JSON.stringify(failed ? { message: 'Error in workflow' } : result.webhookResponse));
	}
	return { result, response };
}

/** A JSON event as n8n hands it over for `Content-Type: application/json`: parsed, bytes kept. */
export function jsonRequest(event: object, headers: Record<string, string> = {}): IncomingRequest {
	const text = JSON.stringify(event);
	return { body: JSON.parse(text) as unknown, rawBody: Buffer.from(text, 'utf8'), headers };
}

// ---------------------------------------------------------------- activation

export interface HttpResponseStub {
	statusCode: number;
	headers?: Record<string, string>;
	body: unknown;
}

/** A request that fails before any answer, as n8n's HTTP helper reports it (`error.code`). */
export interface NetworkFailureStub {
	networkError: string;
}

export interface HookContextOptions {
	/** Velents' answers to the agent configuration request, in order (the last one repeats). */
	responses: Array<HttpResponseStub | NetworkFailureStub>;
	staticData?: IDataObject;
	credentials?: Partial<typeof AGENT_CREDENTIALS>;
}

export interface HookHarness {
	context: IHookFunctions;
	staticData: IDataObject;
	requests: IHttpRequestOptions[];
	warnings: string[];
}

export function hookContext(options: HookContextOptions): HookHarness {
	const staticData = options.staticData ?? {};
	const requests: IHttpRequestOptions[] = [];
	const warnings: string[] = [];
	let answered = 0;
	const context = {
		getCredentials: async () =>
			({ ...AGENT_CREDENTIALS, ...options.credentials }) as ICredentialDataDecryptedObject,
		getNode: () => NODE,
		getWorkflowStaticData: (type: string) => {
			if (type !== 'node')
				throw new Error(`The trigger should use node static data, not "${type}"`);
			return staticData;
		},
		getNodeWebhookUrl: () => 'https://n8n.example.com/webhook/abc/webhook',
		getMode: () => 'trigger',
		getActivationMode: () => 'activate',
		logger: {
			warn: (message: string) => warnings.push(message),
			debug: () => undefined,
			info: () => undefined,
			error: () => undefined,
		},
		helpers: {
			httpRequestWithAuthentication: async (
				_credentialType: string,
				request: IHttpRequestOptions,
			) => {
				requests.push(request);
				const stub = options.responses[Math.min(answered++, options.responses.length - 1)];
				if ('networkError' in stub) {
					throw Object.assign(new Error(`connect ${stub.networkError}`), {
						code: stub.networkError,
					});
				}
				return { headers: {}, ...stub };
			},
		},
	};
	return { context: context as unknown as IHookFunctions, staticData, requests, warnings };
}

/** The agent configuration as Velents returns it [assumed shape]. */
export function agentConfiguration(
	id: number | string = 4,
	publicName = 'boddy_rahsaan_Agent_4',
): HttpResponseStub {
	return {
		statusCode: 200,
		body: {
			data: {
				id,
				public: publicName,
				name: 'Booking agent',
				status: 'active',
				channels: [{ id: 3, name: 'Voice' }],
				values: ['company_name', 'order_id'],
				extraction: ['customer_name', 'booking_time'],
			},
		},
	};
}
