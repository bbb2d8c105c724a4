/**
 * A scripted stand-in for n8n's `httpRequestWithAuthentication`, and a context around it, for unit
 * tests of the transport and of single operations. Each request takes the next scripted answer.
 */
import type { IExecuteFunctions, IHttpRequestOptions, INode } from 'n8n-workflow';

export interface ScriptedResponse {
	statusCode: number;
	body?: unknown;
	headers?: Record<string, string>;
}

/** A network failure, as the HTTP client reports it (`code` on the error or its cause). */
export interface ScriptedFailure {
	networkError: string;
}

export type ScriptedAnswer = ScriptedResponse | ScriptedFailure;

export interface FakeContextOptions {
	credentials?: Record<string, unknown>;
	parameters?: Record<string, unknown>;
	/** Parameters per item, over `parameters`. */
	itemParameters?: Array<Record<string, unknown>>;
	items?: number;
	continueOnFail?: boolean;
}

export const TEST_NODE: INode = {
	id: 'node-1',
	name: 'Velents',
	type: 'n8n-nodes-velents.velentsSupport',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
	credentials: {
		velentsSupportApi: { id: 'cred-support', name: 'Support' },
		velentsAgentApi: { id: 'cred-agent', name: 'Agent' },
	},
};

export function fakeContext(answers: ScriptedAnswer[], options: FakeContextOptions = {}) {
	const sent: IHttpRequestOptions[] = [];
	const queue = [...answers];
	const httpRequestWithAuthentication = jest.fn(async (_type: string, request: IHttpRequestOptions) => {
		sent.push(structuredClone(request));
		const answer = queue.shift();
		if (!answer) throw new Error(`No scripted answer left for ${request.method} ${request.url}`);
		if ('networkError' in answer) {
			throw Object.assign(new Error(`connect ${answer.networkError}`), { cause: { code: answer.networkError } });
		}
		return { statusCode: answer.statusCode, body: answer.body ?? {}, headers: answer.headers ?? {} };
	});
	const parameterOf = (name: string, itemIndex: number, fallback?: unknown) => {
		const own = options.itemParameters?.[itemIndex] ?? {};
		const path = name.split('.');
		let value: unknown = path[0] in own ? own : (options.parameters ?? {});
		for (const key of path) value = (value as Record<string, unknown> | undefined)?.[key];
		return value === undefined ? fallback : value;
	};
	const context = {
		getNode: () => TEST_NODE,
		getCredentials: jest.fn(async () => ({
			token: 'secret-token-never-shown',
			baseUrl: 'http://velents.test/',
			...options.credentials,
		})),
		getInputData: () => Array.from({ length: options.items ?? 1 }, (_, index) => ({ json: { index } })),
		getNodeParameter: jest.fn(parameterOf),
		continueOnFail: () => options.continueOnFail ?? false,
		getWorkflow: () => ({ id: 'workflow-1', name: 'Test workflow', active: false }),
		helpers: { httpRequestWithAuthentication },
	};
	return { context: context as unknown as IExecuteFunctions, sent, httpRequestWithAuthentication };
}

export function rateHeaders(limit: number, remaining: number): Record<string, string> {
	return { 'x-ratelimit-limit': String(limit), 'x-ratelimit-remaining': String(remaining) };
}
