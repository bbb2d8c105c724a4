/**
 * Typed stand-ins for n8n's execution and load-options contexts, enough for the Velents nodes:
 * parameters (plain, or per item like an expression), credentials, Continue On Fail, the workflow
 * name, and an HTTP handler behind `helpers.httpRequestWithAuthentication` that records every request.
 */
import type {
	ICredentialDataDecryptedObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	INode,
	INodeExecutionData,
} from 'n8n-workflow';

/** A parameter's value, or a function of the item, as an expression would be. */
export type ParameterValue = unknown | ((itemIndex: number, item: INodeExecutionData) => unknown);

export interface MockResponse {
	statusCode?: number;
	headers?: Record<string, string>;
	body?: unknown;
}

export type HttpHandler = (request: RecordedRequest) => MockResponse | Promise<MockResponse>;

export interface RecordedRequest {
	credentialType: string;
	method: string;
	url: string;
	baseURL?: string;
	body: unknown;
	qs?: unknown;
	json?: boolean;
}

export interface MockContextOptions {
	items?: INodeExecutionData[];
	/** By parameter name; a dotted name such as `variables.value` is also read from `variables`. */
	parameters?: Record<string, ParameterValue>;
	credentials?: ICredentialDataDecryptedObject;
	continueOnFail?: boolean;
	workflowName?: string;
	/** Answers every request. Default: 200 with `{ data: {} }`. Throw to simulate a network error. */
	http?: HttpHandler;
	nodeName?: string;
	/** The node's type; an AI agent's tool is the type with "Tool" appended. */
	nodeType?: string;
	/** The node's Settings → On Error, as n8n saves it (unset: the default, stop). */
	onError?: INode['onError'];
}

/** What the node under test did through the mock. */
export interface MockRecorder {
	requests: RecordedRequest[];
	/** How many times each parameter was read. */
	parameterReads: Map<string, number>;
}

/** The subset of IExecuteFunctions the nodes use, implemented and type-checked member by member. */
interface ExecuteSubset {
	getInputData: IExecuteFunctions['getInputData'];
	getNode: IExecuteFunctions['getNode'];
	getWorkflow: IExecuteFunctions['getWorkflow'];
	continueOnFail: IExecuteFunctions['continueOnFail'];
	getCredentials: IExecuteFunctions['getCredentials'];
	getNodeParameter: (name: string, itemIndex: number, fallback?: unknown) => unknown;
	helpers: Pick<IExecuteFunctions['helpers'], 'httpRequestWithAuthentication'>;
}

interface LoadOptionsSubset {
	getNode: ILoadOptionsFunctions['getNode'];
	getCredentials: ILoadOptionsFunctions['getCredentials'];
	getNodeParameter: (name: string, fallback?: unknown) => unknown;
	getCurrentNodeParameter: (name: string) => unknown;
	helpers: Pick<ILoadOptionsFunctions['helpers'], 'httpRequestWithAuthentication'>;
}

export const TEST_BASE_URL = 'https://velents.test';

let credentialCounter = 0;

/** Each context gets its own credential id, so the transport's rate budgets never leak between tests. */
function node(name: string, type = 'n8n-nodes-velents.velentsAgent'): INode {
	return {
		id: 'node-1',
		name,
		type,
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
		credentials: {
			velentsAgentApi: { id: `cred-${++credentialCounter}`, name: 'Velents Agent account' },
		},
	};
}

function defaultCredentials(): ICredentialDataDecryptedObject {
	return {
		token: 'test-token',
		baseUrl: TEST_BASE_URL,
		rateLimitWindowSeconds: 60,
		webhookSecret: '',
	};
}

function httpFunction(recorder: MockRecorder, handler: HttpHandler) {
	return async function (this: unknown, credentialType: string, options: IHttpRequestOptions) {
		const request: RecordedRequest = {
			credentialType,
			method: String(options.method ?? 'GET'),
			url: options.url,
			baseURL: options.baseURL,
			body: structuredClone(options.body),
			qs: structuredClone(options.qs),
			json: options.json,
		};
		recorder.requests.push(request);
		const response = await handler(request);
		return {
			statusCode: response.statusCode ?? 200,
			headers: response.headers ?? {},
			body: response.body,
		};
	};
}

export function createExecuteContext(options: MockContextOptions = {}): {
	context: IExecuteFunctions;
	recorder: MockRecorder;
} {
	const items = options.items ?? [{ json: {} }];
	const parameters = options.parameters ?? {};
	const recorder: MockRecorder = { requests: [], parameterReads: new Map() };
	const thisNode = {
		...node(options.nodeName ?? 'Velents Agent', options.nodeType),
		onError: options.onError,
	};
	const credentials = { ...defaultCredentials(), ...options.credentials };

	const subset: ExecuteSubset = {
		getInputData: () => items,
		getNode: () => thisNode,
		getWorkflow: () => ({
			id: 'wf-1',
			name: options.workflowName ?? 'Test workflow',
			active: false,
		}),
		continueOnFail: () => options.continueOnFail ?? false,
		getCredentials: async <T extends object>() => credentials as unknown as T,
		getNodeParameter: (name, itemIndex, fallback) => {
			recorder.parameterReads.set(name, (recorder.parameterReads.get(name) ?? 0) + 1);
			const value = readParameter(parameters, name, itemIndex, items[itemIndex] ?? { json: {} });
			if (value !== undefined) return value;
			if (fallback !== undefined) return fallback;
			// As n8n: a parameter that is not set and has no fallback is a programming error.
			throw new Error(`Could not get parameter "${name}"`);
		},
		helpers: {
			httpRequestWithAuthentication: httpFunction(
				recorder,
				options.http ?? (() => ({ body: { data: {} } })),
			),
		},
	};
	return { context: subset as unknown as IExecuteFunctions, recorder };
}

export function createLoadOptionsContext(options: MockContextOptions = {}): {
	context: ILoadOptionsFunctions;
	recorder: MockRecorder;
} {
	const parameters = options.parameters ?? {};
	const recorder: MockRecorder = { requests: [], parameterReads: new Map() };
	const thisNode = node(options.nodeName ?? 'Velents Agent');
	const credentials = { ...defaultCredentials(), ...options.credentials };
	const read = (name: string) => readParameter(parameters, name, 0, { json: {} });
	const subset: LoadOptionsSubset = {
		getNode: () => thisNode,
		getCredentials: async <T extends object>() => credentials as unknown as T,
		getNodeParameter: (name, fallback) => read(name) ?? fallback,
		getCurrentNodeParameter: read,
		helpers: {
			httpRequestWithAuthentication: httpFunction(
				recorder,
				options.http ?? (() => ({ body: { data: {} } })),
			),
		},
	};
	return { context: subset as unknown as ILoadOptionsFunctions, recorder };
}

function readParameter(
	parameters: Record<string, ParameterValue>,
	name: string,
	itemIndex: number,
	item: INodeExecutionData,
): unknown {
	const evaluate = (value: ParameterValue) =>
		typeof value === 'function'
			? (value as (i: number, it: INodeExecutionData) => unknown)(itemIndex, item)
			: value;
	if (name in parameters) return structuredClone(evaluate(parameters[name]));
	const [head, ...rest] = name.split('.');
	if (!rest.length || !(head in parameters)) return undefined;
	let value = evaluate(parameters[head]);
	for (const key of rest) {
		value =
			typeof value === 'object' && value !== null
				? (value as Record<string, unknown>)[key]
				: undefined;
	}
	return structuredClone(value);
}

/** `count` input items built by `json(index)`. */
export function itemsOf(
	count: number,
	json: (index: number) => INodeExecutionData['json'],
): INodeExecutionData[] {
	return Array.from({ length: count }, (_, index) => ({ json: json(index) }));
}
