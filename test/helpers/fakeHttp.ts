/**
 * A scripted Velents for unit tests of the transport and of single operations: each request takes
 * the next answer of a list, over the mock context of `./mockContext`.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import type { MockContextOptions, MockResponse, RecordedRequest } from './mockContext';
import { createExecuteContext, itemsOf } from './mockContext';

/** A network failure, as the HTTP client reports it (`code` on the error's cause). */
export interface ScriptedFailure {
	networkError: string;
}

export type ScriptedAnswer = MockResponse | ScriptedFailure;

export interface FakeContextOptions extends Omit<MockContextOptions, 'items' | 'http'> {
	/** How many input items (`{index}` each). Default 1. */
	items?: number;
	/** Parameters per item, over `parameters`. */
	itemParameters?: Array<MockContextOptions['parameters']>;
}

export function fakeContext(
	answers: ScriptedAnswer[],
	options: FakeContextOptions = {},
): { context: IExecuteFunctions; sent: RecordedRequest[] } {
	const queue = [...answers];
	const { itemParameters = [], parameters = {}, items = 1, ...rest } = options;
	const names = new Set([
		...Object.keys(parameters),
		...itemParameters.flatMap((own) => Object.keys(own ?? {})),
	]);
	const perItem = Object.fromEntries(
		[...names].map((name) => [
			name,
			(itemIndex: number) => (itemParameters[itemIndex] ?? {})[name] ?? parameters[name],
		]),
	);
	const { context, recorder } = createExecuteContext({
		...rest,
		items: itemsOf(items, (index) => ({ index })),
		parameters: perItem,
		http: (request) => {
			const answer = queue.shift();
			if (!answer) throw new Error(`No scripted answer left for ${request.method} ${request.url}`);
			if ('networkError' in answer) {
				throw Object.assign(new Error(`connect ${answer.networkError}`), {
					cause: { code: answer.networkError },
				});
			}
			return answer;
		},
	});
	return { context, sent: recorder.requests };
}

export function rateHeaders(limit: number, remaining: number): Record<string, string> {
	return { 'x-ratelimit-limit': String(limit), 'x-ratelimit-remaining': String(remaining) };
}
