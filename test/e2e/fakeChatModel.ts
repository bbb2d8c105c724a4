/**
 * A stand-in for an OpenAI-compatible Chat Completions server on loopback, for n8n's OpenAI Chat
 * Model node (with "Use Responses API" off). It records every request n8n sends (the `tools` the
 * model is offered, the `messages` with the tools' results) and answers from a script: the test
 * decides which tools the "model" calls, with which arguments, so what reaches Velents is known.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface OfferedTool {
	type: 'function';
	function: { name: string; description: string; parameters: JsonSchema };
}

export interface JsonSchema {
	type?: string;
	description?: string;
	properties?: Record<string, JsonSchema>;
	required?: string[];
	[keyword: string]: unknown;
}

export interface ChatMessage {
	role: string;
	content?: string | null;
	tool_call_id?: string;
	tool_calls?: ToolCall[];
}

export interface ToolCall {
	id: string;
	type: 'function';
	function: { name: string; arguments: string };
}

export interface ChatRequest {
	model: string;
	messages: ChatMessage[];
	tools?: OfferedTool[];
	stream?: boolean;
}

/** The model's turn: call tools, or answer with a text (which ends the agent's run). */
export type ModelTurn =
	| { toolCalls: Array<{ name: string; arguments: object }> }
	| { text: string };

export interface FakeChatModel {
	/** `http://127.0.0.1:<port>/v1`: the OpenAI credential's Base URL. */
	readonly baseUrl: string;
	readonly requests: ChatRequest[];
	/** What the model does on each request; called with the request. */
	script(next: (request: ChatRequest) => ModelTurn): void;
	close(): Promise<void>;
}

export async function startFakeChatModel(): Promise<FakeChatModel> {
	const requests: ChatRequest[] = [];
	let next: (request: ChatRequest) => ModelTurn = () => ({ text: 'No script.' });
	let callCount = 0;

	const server = createServer((incoming, outgoing) => {
		const chunks: Buffer[] = [];
		incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
		incoming.on('end', () => {
			if (incoming.method !== 'POST' || !incoming.url?.endsWith('/chat/completions')) {
				outgoing.writeHead(404, { 'content-type': 'application/json' });
				outgoing.end(
					JSON.stringify({ error: { message: `no ${incoming.method} ${incoming.url}` } }),
				);
				return;
			}
			const request = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ChatRequest;
			requests.push(request);
			const turn = next(request);
			const message: ChatMessage =
				'text' in turn
					? { role: 'assistant', content: turn.text }
					: {
							role: 'assistant',
							content: null,
							tool_calls: turn.toolCalls.map((call) => ({
								id: `call_${++callCount}`,
								type: 'function',
								function: { name: call.name, arguments: JSON.stringify(call.arguments) },
							})),
						};
			const finishReason = 'text' in turn ? 'stop' : 'tool_calls';
			const base = { id: `chatcmpl-${requests.length}`, created: 0, model: request.model };
			const usage = { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 };
			if (request.stream) {
				// One chunk with the whole message, as a server may send it, then the end marker.
				const delta = {
					...message,
					tool_calls: message.tool_calls?.map((call, index) => ({ index, ...call })),
				};
				outgoing.writeHead(200, { 'content-type': 'text/event-stream' });
				const event = (data: object) => outgoing.write(`data: ${JSON.stringify(data)}\n\n`);
				event({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta }] });
				event({
					...base,
					object: 'chat.completion.chunk',
					choices: [{ index: 0, delta: {}, finish_reason: finishReason }],
					usage,
				});
				outgoing.end('data: [DONE]\n\n');
				return;
			}
			outgoing.writeHead(200, { 'content-type': 'application/json' });
			outgoing.end(
				JSON.stringify({
					...base,
					object: 'chat.completion',
					choices: [{ index: 0, message, finish_reason: finishReason }],
					usage,
				}),
			);
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;

	return {
		baseUrl: `http://127.0.0.1:${port}/v1`,
		requests,
		script(turns) {
			next = turns;
		},
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}

/** The results of tool calls the request carries back to the model, by the tool's name. */
export function toolResults(request: ChatRequest): Array<{ tool: string; content: string }> {
	const names = new Map<string, string>();
	for (const message of request.messages) {
		for (const call of message.tool_calls ?? []) names.set(call.id, call.function.name);
	}
	return request.messages
		.filter((message) => message.role === 'tool')
		.map((message) => ({
			tool: names.get(message.tool_call_id ?? '') ?? '',
			content: String(message.content ?? ''),
		}));
}
