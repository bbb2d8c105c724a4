/**
 * `/__sandbox/*`: what tests and the dev mode use to look inside and to steer the sandbox.
 * No auth, no rate limit, no faults, not recorded in the request log.
 */
import type { ServerResponse } from 'node:http';

import type { z } from 'zod';

import type { HistoryItem, Ticket } from '../../nodes/shared/contract/types';
import { faultSpecSchema } from './faults';
import type { FaultInjector, FaultSpec } from './faults';
import { HttpError, isPlainObject, parseJsonBody, queryObject, writeJson } from './http';
import { configPatchSchema, serializableOptions } from './options';
import type { SandboxConfigPatch, SandboxOptions } from './options';
import { paramTemplate, Router } from './router';
import type { DeliveryRecord, SandboxState } from './state';
import { activityScriptSchema, newMessageSchema, newTicketSchema } from './supportActivity';
import type { ActivityScript, NewMessage, NewTicket } from './supportActivity';
import { check } from './validation';

export const INSPECTION_PREFIX = '/__sandbox';

export interface InspectionDeps {
	state: () => SandboxState;
	config: () => SandboxOptions;
	configure: (patch: SandboxConfigPatch) => void;
	faults: FaultInjector;
	reset: () => void;
	waitForDeliveries: (count: number, timeoutMs: number) => Promise<DeliveryRecord[]>;
	waitForIdle: (timeoutMs: number) => Promise<void>;
	addTicket: (ticket: NewTicket) => Ticket;
	addMessage: (conversationId: string, message: NewMessage) => HistoryItem;
	/** Starts the script and returns at once; it plays in the background. */
	playActivity: (script: ActivityScript) => void;
}

interface InspectionRequest {
	url: URL;
	params: Record<string, string>;
	rawBody: Buffer;
}

interface Answer {
	status: number;
	body: unknown;
}

type Handler = (request: InspectionRequest) => Answer | Promise<Answer>;

/** A few bytes standing in for a call recording (an MPEG frame header and silence). */
const FAKE_RECORDING = Buffer.from([0xff, 0xfb, 0x90, 0x64, ...new Array<number>(412).fill(0)]);

export function createInspection(
	deps: InspectionDeps,
): (url: URL, method: string, rawBody: Buffer, res: ServerResponse) => Promise<void> {
	const router = new Router<Handler>();
	const at = (path: string) => `${INSPECTION_PREFIX}${path}`;
	const ok = (body: unknown): Answer => ({ status: 200, body });

	router
		.add('GET', at('/requests'), ({ url }) => {
			const { method, path } = queryObject(url);
			const requests = deps
				.state()
				.requests.filter(
					(r) => (!method || r.method === method.toUpperCase()) && (!path || r.path === path),
				);
			return ok({ data: requests });
		})
		.add('GET', at('/tickets'), () =>
			ok({
				data: [...deps.state().tickets.values()].map((stored) => ({
					tenant_id: stored.tenant_id,
					...stored.ticket,
				})),
			}),
		)
		.add('GET', at(`/conversations/${paramTemplate('id')}/messages`), ({ params }) => {
			const conversation = deps.state().supportConversations.get(params.id);
			return conversation
				? ok({ data: conversation.messages })
				: { status: 404, body: { message: `No conversation ${params.id}.` } };
		})
		.add('POST', at('/tickets'), ({ rawBody }) =>
			withBody(rawBody, newTicketSchema, (ticket) => ({
				status: 201,
				body: { data: deps.addTicket(ticket) },
			})),
		)
		.add('POST', at(`/conversations/${paramTemplate('id')}/messages`), ({ params, rawBody }) =>
			withBody(rawBody, newMessageSchema, (message) => ({
				status: 201,
				body: { data: deps.addMessage(params.id, message) },
			})),
		)
		.add('POST', at('/activity'), ({ rawBody }) =>
			withBody(rawBody, activityScriptSchema, (script) => {
				deps.playActivity(script);
				return { status: 202, body: { data: { steps: script.steps.length } } };
			}),
		)
		.add('GET', at('/dispatches'), () => ok({ data: deps.state().dispatches }))
		.add('GET', at('/batches'), () => ok({ data: deps.state().batches }))
		.add('GET', at('/deliveries'), ({ url }) => {
			const { conversation_id: conversationId, event_type: eventType } = queryObject(url);
			const deliveries = deps
				.state()
				.deliveries.filter(
					(d) =>
						(!conversationId || String(d.conversation_id) === conversationId) &&
						(!eventType || d.event_type === eventType),
				);
			return ok({ data: deliveries });
		})
		.add('GET', at('/deliveries/wait'), async ({ url }) => {
			const { count, timeout_ms: timeoutMs } = queryObject(url);
			try {
				return ok({
					data: await deps.waitForDeliveries(Number(count ?? 1), Number(timeoutMs ?? 5000)),
				});
			} catch (error) {
				return {
					status: 408,
					body: { message: error instanceof Error ? error.message : String(error) },
				};
			}
		})
		.add('GET', at('/idle'), async ({ url }) => {
			try {
				await deps.waitForIdle(Number(queryObject(url).timeout_ms ?? 5000));
				return ok({ data: { idle: true } });
			} catch (error) {
				return {
					status: 408,
					body: { message: error instanceof Error ? error.message : String(error) },
				};
			}
		})
		.add('POST', at('/reset'), () => {
			deps.reset();
			return ok({ data: { reset: true } });
		})
		.add('GET', at('/config'), () => ok({ data: serializableOptions(deps.config()) }))
		.add('PUT', at('/config'), ({ rawBody }) => {
			const body = jsonObject(rawBody);
			if (!body) return { status: 400, body: { message: 'The body must be a JSON object.' } };
			const parsed = check(configPatchSchema, body);
			if (!parsed.ok)
				return {
					status: 422,
					body: { message: 'Invalid sandbox configuration.', errors: parsed.errors },
				};
			deps.configure(body as SandboxConfigPatch);
			return ok({ data: serializableOptions(deps.config()) });
		})
		.add('GET', at('/faults'), () => ok({ data: deps.faults.list() }))
		.add('POST', at('/faults'), ({ rawBody }) => {
			const body = jsonObject(rawBody);
			if (!body) return { status: 400, body: { message: 'The body must be a JSON object.' } };
			const parsed = check(faultSpecSchema, body);
			if (!parsed.ok)
				return { status: 422, body: { message: 'Invalid fault.', errors: parsed.errors } };
			return { status: 201, body: { data: deps.faults.add(body as FaultSpec) } };
		})
		.add('DELETE', at('/faults'), () => {
			deps.faults.clear();
			return ok({ data: [] });
		});

	return async (url, method, rawBody, res) => {
		const recording = new RegExp(`^${INSPECTION_PREFIX}/recordings/\\d+\\.mp3$`).test(url.pathname);
		if (recording && method === 'GET') {
			res.writeHead(200, {
				'Content-Type': 'audio/mpeg',
				'Content-Length': String(FAKE_RECORDING.length),
			});
			res.end(FAKE_RECORDING);
			return;
		}
		const match = router.match(method, url.pathname);
		if (!match) {
			writeJson(res, 404, { message: `No sandbox route ${method} ${url.pathname}.` });
			return;
		}
		const answer = await match.value({ url, params: match.params, rawBody });
		writeJson(res, answer.status, answer.body);
	};
}

/** A JSON object body checked with the schema (400 or 422 otherwise); a 404 from the action is answered as such. */
function withBody<S extends z.ZodTypeAny>(
	raw: Buffer,
	schema: S,
	act: (body: z.output<S>) => Answer,
): Answer {
	const body = jsonObject(raw);
	if (!body) return { status: 400, body: { message: 'The body must be a JSON object.' } };
	const parsed = check(schema, body);
	if (!parsed.ok)
		return { status: 422, body: { message: 'The given data was invalid.', errors: parsed.errors } };
	try {
		return act(parsed.data);
	} catch (error) {
		if (error instanceof HttpError) return { status: error.status, body: error.body };
		throw error;
	}
}

function jsonObject(raw: Buffer): Record<string, unknown> | null {
	const parsed = parseJsonBody(raw);
	if (parsed.kind === 'empty') return {};
	return parsed.kind === 'json' && isPlainObject(parsed.value) ? parsed.value : null;
}
