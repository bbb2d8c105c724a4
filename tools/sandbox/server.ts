/**
 * The Velents sandbox: a local server that behaves like the documented API (auth, abilities,
 * validation, tenants, pagination, rate limits, webhook lifecycles), plus an inspection and
 * fault-injection API under `/__sandbox/` and the same controls in-process for jest.
 */
import { EventEmitter } from 'node:events';
import http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { z } from 'zod';

import type { HistoryItem, Ticket } from '../../nodes/shared/contract/types';
import { bearerToken, createApi } from './api';
import { FaultInjector } from './faults';
import type { Fault, FaultSpec } from './faults';
import {
	parseJsonBody,
	queryObject,
	readBody,
	requestBaseUrl,
	writeJson,
	writePaddedJson,
} from './http';
import type { ApiResult, JsonBody } from './http';
import { createInspection, INSPECTION_PREFIX } from './inspection';
import { LifecycleEngine } from './lifecycle';
import { applyConfigPatch, resolveOptions } from './options';
import type { SandboxConfigPatch, SandboxInit, SandboxOptions } from './options';
import { FixedWindowRateLimiter, rateLimitHeaders, rateLimitKey } from './rateLimit';
import { SandboxState } from './state';
import type { BatchRecord, DeliveryRecord, DispatchRecord, RecordedRequest } from './state';
import {
	activityScriptSchema,
	addConversationMessage,
	addTicket,
	newMessageSchema,
	newTicketSchema,
	playActivity,
} from './supportActivity';
import type { NewMessage } from './supportActivity';
import { scaled, Sleeps } from './time';

export type { SandboxConfigPatch, SandboxInit, SandboxOptions } from './options';
export {
	DEFAULT_AGENT_TOKEN,
	DEFAULT_SANDBOX_OPTIONS,
	DEFAULT_SUPPORT_TOKEN,
	DEFAULT_WEBHOOK_SECRET,
	OTHER_TENANT_SUPPORT_TOKEN,
	READ_ONLY_SUPPORT_TOKEN,
} from './options';
export type { Fault, FaultSpec } from './faults';
export type { BatchRecord, DeliveryRecord, DispatchRecord, RecordedRequest } from './state';

/** What `addTicket` and `playActivity` accept: their inputs before defaults are applied. */
export type NewTicketInput = z.input<typeof newTicketSchema>;
export type ActivityScriptInput = z.input<typeof activityScriptSchema>;

export type DeliveryPredicate = (deliveries: readonly DeliveryRecord[]) => boolean;

export interface Sandbox {
	/** `http://127.0.0.1:<port>` */
	readonly url: string;
	readonly port: number;
	/** The live options (change them with `configure`). */
	readonly config: Readonly<SandboxOptions>;
	/** The live state: tickets, conversations, dispatches, batches, deliveries, requests. */
	readonly state: SandboxState;
	/** Emits `request` (RecordedRequest, once answered) and `delivery` (DeliveryRecord). */
	readonly events: EventEmitter;
	requests(filter?: { method?: string; path?: string }): RecordedRequest[];
	tickets(): Array<Ticket & { tenant_id: number }>;
	messages(conversationId: number | string): HistoryItem[];
	dispatches(): DispatchRecord[];
	batches(): BatchRecord[];
	deliveries(): DeliveryRecord[];
	configure(patch: SandboxConfigPatch): void;
	injectFault(spec: FaultSpec): Fault;
	clearFaults(): void;
	/** Back to the state and options the sandbox started with; running lifecycles stop. */
	reset(): void;
	/** Resolves with all deliveries once `count` exist or the predicate holds; rejects after `timeoutMs`. */
	waitForDeliveries(
		target: number | DeliveryPredicate,
		timeoutMs?: number,
	): Promise<DeliveryRecord[]>;
	/** Opens a ticket as a customer would (tenant 1 unless `tenant_id` is given). */
	addTicket(ticket: NewTicketInput): Ticket;
	/** Appends a message of any role to a conversation, as Velents' side writes them. */
	addMessage(conversationId: number | string, message: NewMessage): HistoryItem;
	/** Plays a script of tickets and messages, one step every `every_ms`; resolves when it ends (or the sandbox is reset). */
	playActivity(script: ActivityScriptInput): Promise<void>;
	/** Resolves once no lifecycle is queued or playing. */
	waitForIdle(timeoutMs?: number): Promise<void>;
	close(): Promise<void>;
}

const DEFAULT_WAIT_MS = 5000;

export async function startSandbox(options: SandboxInit = {}): Promise<Sandbox> {
	let config = resolveOptions(options);
	const state = new SandboxState();
	const events = new EventEmitter().setMaxListeners(0);
	const faults = new FaultInjector();
	const sleeps = new Sleeps();
	let baseUrl = '';

	const limiter = new FixedWindowRateLimiter(() => config);
	const lifecycle = new LifecycleEngine({
		config: () => config,
		state: () => state,
		events,
		baseUrl: () => baseUrl,
	});
	const api = createApi({ config: () => config, state: () => state, lifecycle, limiter });

	const configure = (patch: SandboxConfigPatch): void => {
		applyConfigPatch(config, patch);
		if (patch.rateLimit !== undefined || patch.timeScale !== undefined) limiter.reset();
		if (patch.deliveryConcurrency !== undefined) lifecycle.pump();
	};
	const reset = (): void => {
		generation++;
		lifecycle.cancelAll();
		sleeps.cancelAll();
		state.clear();
		limiter.reset();
		faults.clear();
		config = resolveOptions(options);
	};
	const waitForDeliveries = (
		target: number | DeliveryPredicate,
		timeoutMs = DEFAULT_WAIT_MS,
	): Promise<DeliveryRecord[]> => {
		const reached: DeliveryPredicate =
			typeof target === 'number' ? (all) => all.length >= target : target;
		return new Promise((resolve, reject) => {
			const check = (): void => {
				if (!reached(state.deliveries)) return;
				cleanup();
				resolve([...state.deliveries]);
			};
			const timer = setTimeout(() => {
				cleanup();
				reject(
					new Error(
						`Timed out after ${timeoutMs} ms waiting for deliveries (${state.deliveries.length} so far).`,
					),
				);
			}, timeoutMs);
			const cleanup = (): void => {
				clearTimeout(timer);
				events.off('delivery', check);
			};
			events.on('delivery', check);
			check();
		});
	};
	const store = { state: () => state, config: () => config };
	// A reset ends the scripts playing: each checks that its generation is still the current one.
	let generation = 0;
	const playScript = (input: ActivityScriptInput): Promise<void> => {
		const script = activityScriptSchema.parse(input);
		const started = generation;
		return playActivity(
			store,
			script,
			(sandboxMs) => sleeps.sleep(scaled(sandboxMs, config.timeScale)),
			() => generation === started,
		);
	};
	const waitForIdle = (timeoutMs = DEFAULT_WAIT_MS): Promise<void> =>
		new Promise((resolve, reject) => {
			const timer = setTimeout(
				() =>
					reject(new Error(`Timed out after ${timeoutMs} ms waiting for lifecycles to finish.`)),
				timeoutMs,
			);
			void lifecycle.waitForIdle().then(() => {
				clearTimeout(timer);
				resolve();
			});
		});

	const inspection = createInspection({
		state: () => state,
		config: () => config,
		configure,
		faults,
		reset,
		waitForDeliveries: (count, timeoutMs) => waitForDeliveries(count, timeoutMs),
		waitForIdle,
		addTicket: (ticket) => addTicket(store, ticket),
		addMessage: (conversationId, message) => addConversationMessage(store, conversationId, message),
		playActivity: (script) => {
			playScript(script).catch((error: unknown) =>
				console.error('[sandbox] activity stopped:', error),
			);
		},
	});

	const handleApi = async (
		req: IncomingMessage,
		res: ServerResponse,
		url: URL,
		rawBody: Buffer,
	): Promise<void> => {
		const method = (req.method ?? 'GET').toUpperCase();
		const startedMs = Date.now();
		// Parsed once: the log keeps it, the API validates it (a 10,000-row batch is a megabyte).
		const body = parseJsonBody(rawBody);
		const record: RecordedRequest = {
			id: state.nextId('request'),
			received_at: new Date(config.now()).toISOString(),
			method,
			path: url.pathname,
			query: queryObject(url),
			headers: req.headers,
			body: recordedBody(body),
			status: null,
			duration_ms: null,
			fault: null,
		};
		state.requests.push(record);
		const finish = (status: number | null): void => {
			record.status = status;
			record.duration_ms = Date.now() - startedMs;
			events.emit('request', record);
		};

		const fault = faults.take(method, url.pathname);
		if (fault) {
			const { answer, latencyMs, afterProcessing } = fault;
			record.fault = {
				status: typeof answer === 'number' ? answer : null,
				latencyMs,
				drop: answer === 'drop',
				afterProcessing,
			};
		}
		if (fault && !fault.afterProcessing) {
			if (fault.latencyMs > 0) await sleeps.sleep(fault.latencyMs);
			if (fault.answer !== null)
				return finish(answerFault(req, res, fault.answer, fault.fault, body));
		}

		const result: ApiResult = api({
			method,
			url,
			headers: req.headers,
			body,
			remoteAddress: req.socket.remoteAddress,
			baseUrl: requestBaseUrl(req, baseUrl),
		});

		if (fault?.afterProcessing) {
			if (fault.latencyMs > 0) await sleeps.sleep(fault.latencyMs);
			if (fault.answer !== null) {
				finish(answerFault(req, res, fault.answer, fault.fault, body));
				result.afterResponse?.();
				return;
			}
		}
		if (!res.destroyed) writeJson(res, result.status, result.body, result.headers);
		finish(result.status);
		result.afterResponse?.();
	};

	/** Answers with the fault (or drops the socket); returns the status sent, null when dropped. */
	const answerFault = (
		req: IncomingMessage,
		res: ServerResponse,
		answer: 'drop' | number,
		fault: Fault,
		requestBody: unknown,
	): number | null => {
		if (answer === 'drop') {
			req.socket.destroy();
			return null;
		}
		const headers: Record<string, string> = {
			...rateLimitHeaders(
				limiter.peek(rateLimitKey(bearerToken(req.headers), req.socket.remoteAddress)),
			),
			...(answer === 429 ? { 'retry-after': '1' } : {}),
			...fault.headers,
		};
		const faultBody = fault.body ?? { message: http.STATUS_CODES[answer] ?? 'Error' };
		const echo = { method: req.method, path: req.url, headers: req.headers, body: requestBody };
		const answerBody = fault.echoRequest ? { ...Object(faultBody), request: echo } : faultBody;
		if (res.destroyed) return answer;
		if (fault.paddingBytes)
			writePaddedJson(res, answer, Object(answerBody), headers, fault.paddingBytes);
		else writeJson(res, answer, answerBody, headers);
		return answer;
	};

	const server = http.createServer((req, res) => {
		void (async () => {
			const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
			const rawBody = await readBody(req);
			if (url.pathname === INSPECTION_PREFIX || url.pathname.startsWith(`${INSPECTION_PREFIX}/`)) {
				return inspection(
					url,
					(req.method ?? 'GET').toUpperCase(),
					rawBody ?? Buffer.alloc(0),
					res,
				);
			}
			if (rawBody === null) return writeJson(res, 413, { message: 'Payload Too Large' });
			return handleApi(req, res, url, rawBody);
		})().catch((error: unknown) => {
			console.error('[sandbox] request failed:', error);
			if (!res.headersSent && !res.destroyed) writeJson(res, 500, { message: 'Server Error' });
		});
	});

	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(config.port, config.host, () => {
			server.off('error', reject);
			resolve();
		});
	});
	const port = (server.address() as AddressInfo).port;
	baseUrl = `http://${config.host}:${port}`;

	let closed: Promise<void> | null = null;
	return {
		url: baseUrl,
		port,
		get config() {
			return config;
		},
		state,
		events,
		requests: (filter = {}) =>
			state.requests.filter(
				(r) =>
					(!filter.method || r.method === filter.method.toUpperCase()) &&
					(!filter.path || r.path === filter.path),
			),
		tickets: () =>
			[...state.tickets.values()].map((stored) => ({
				tenant_id: stored.tenant_id,
				...stored.ticket,
			})),
		messages: (conversationId) =>
			state.supportConversations.get(String(conversationId))?.messages ?? [],
		dispatches: () => state.dispatches,
		batches: () => state.batches,
		deliveries: () => state.deliveries,
		configure,
		injectFault: (spec) => faults.add(spec),
		clearFaults: () => faults.clear(),
		reset,
		addTicket: (ticket) => addTicket(store, newTicketSchema.parse(ticket)),
		addMessage: (conversationId, message) =>
			addConversationMessage(store, conversationId, newMessageSchema.parse(message)),
		playActivity: playScript,
		waitForDeliveries,
		waitForIdle,
		close: () => {
			generation++;
			closed ??= new Promise<void>((resolve) => {
				lifecycle.destroy();
				sleeps.cancelAll();
				server.close(() => resolve());
				server.closeAllConnections();
			});
			return closed;
		},
	};
}

/** The body as the request log keeps it: parsed JSON, else the text, else null. */
function recordedBody(body: JsonBody): unknown {
	if (body.kind === 'empty') return null;
	return body.kind === 'json' ? body.value : body.text;
}
