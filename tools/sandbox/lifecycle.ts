/**
 * Plays conversations to their `webhook.link`: each conversation's events strictly one after
 * another (every POST awaited), up to `deliveryConcurrency` conversations at once. Every POST is
 * recorded. A reset or close bumps the generation, which stops every job at its next step.
 */
import { EventEmitter } from 'node:events';
import http from 'node:http';
import https from 'node:https';

import { VOICE_CHANNEL_ID, WEBHOOK_SECRET_HEADER } from '../../nodes/shared/contract';
import { callEventSchema, conversationEventSchema } from '../contract/schemas';
import type { WebhookOptions } from '../../nodes/shared/contract/types';
import type { SandboxOptions } from './options';
import { callEvents, conversationEvents } from './script';
import type { PlayedConversation } from './script';
import type { AgentConversationRecord, DeliveryRecord, SandboxState } from './state';
import { isoTimestamp, scaled, Sleeps } from './time';

export interface LifecycleJob {
	conversation: AgentConversationRecord;
	webhook: WebhookOptions;
	agent: { id: number | string; public: string };
}

interface QueuedJob extends LifecycleJob {
	generation: number;
}

export interface LifecycleDeps {
	config: () => SandboxOptions;
	state: () => SandboxState;
	events: EventEmitter;
	/** The sandbox's own URL, for call recordings. */
	baseUrl: () => string;
}

interface Attempt {
	sequence: number;
	duplicate: boolean;
	headers: Record<string, string>;
	body: Record<string, unknown>;
	startedMs: number;
	startedAt: string;
}

interface PostOutcome {
	status: number | null;
	error: string | null;
	responseBody: string | null;
}

const MAX_RECORDED_RESPONSE = 2048;

export class LifecycleEngine {
	/** A queue read from `head`, so taking a job never shifts a 10,000-entry array. */
	private queue: Array<QueuedJob | undefined> = [];
	private head = 0;
	private active = 0;
	private generation = 0;
	private readonly sleeps = new Sleeps();
	private readonly inflight = new Set<http.ClientRequest>();
	private readonly httpAgent = new http.Agent({ keepAlive: true });
	private readonly httpsAgent = new https.Agent({ keepAlive: true });
	private idleWaiters: Array<() => void> = [];

	constructor(private readonly deps: LifecycleDeps) {}

	enqueue(jobs: readonly LifecycleJob[]): void {
		for (const job of jobs) this.queue.push({ ...job, generation: this.generation });
		this.pump();
	}

	/** Starts queued conversations while there is room (also called when the concurrency changes). */
	pump(): void {
		const limit = this.deps.config().deliveryConcurrency;
		while (this.active < limit && this.head < this.queue.length) {
			const job = this.queue[this.head];
			this.queue[this.head++] = undefined;
			if (!job) continue;
			this.active++;
			void this.play(job).finally(() => {
				this.active--;
				this.pump();
				this.notifyIfIdle();
			});
		}
		if (this.head === this.queue.length) {
			this.queue = [];
			this.head = 0;
		}
	}

	isIdle(): boolean {
		return this.active === 0 && this.head >= this.queue.length;
	}

	waitForIdle(): Promise<void> {
		if (this.isIdle()) return Promise.resolve();
		return new Promise((resolve) => this.idleWaiters.push(resolve));
	}

	/** Forgets queued jobs and stops running ones at their next step (reset, close). */
	cancelAll(): void {
		this.generation++;
		this.queue = [];
		this.head = 0;
		this.sleeps.cancelAll();
		for (const request of this.inflight) request.destroy(new Error('sandbox reset or closed'));
		this.inflight.clear();
		this.notifyIfIdle();
	}

	destroy(): void {
		this.cancelAll();
		this.httpAgent.destroy();
		this.httpsAgent.destroy();
	}

	private notifyIfIdle(): void {
		if (!this.isIdle()) return;
		const waiters = this.idleWaiters;
		this.idleWaiters = [];
		for (const resolve of waiters) resolve();
	}

	private async play(job: QueuedJob): Promise<void> {
		const config = this.deps.config();
		const { conversation } = job;
		const played: PlayedConversation = {
			id: conversation.id,
			phone: conversation.phone,
			channel_id: conversation.channel_id,
			values: conversation.values,
			created_at: conversation.created_at,
			agent: job.agent,
		};
		const asCall =
			conversation.channel_id === VOICE_CHANNEL_ID && config.voiceEventShape === 'call';
		const events = asCall
			? callEvents(
					config.script,
					played,
					config.now,
					`${this.deps.baseUrl()}/__sandbox/recordings/${conversation.id}.mp3`,
				)
			: conversationEvents(config.script, played, config.now);

		for (let sequence = 0; ; sequence++) {
			const current = this.deps.config();
			const delay = scaled(current.eventDelayMs, current.timeScale);
			if (delay > 0) await this.sleeps.sleep(delay);
			if (job.generation !== this.generation) return;
			// Built only now, so that its timestamps are the time it is sent.
			const next = events.next();
			if (next.done) break;
			conversation.status = 'in_progress';
			const body = mergeWebhookBody(next.value, job.webhook.body);
			const selfCheck = (asCall ? callEventSchema : conversationEventSchema).safeParse(body);
			if (!selfCheck.success) {
				const failure = {
					status: null,
					error: `self-check failed: ${selfCheck.error.message}`,
					responseBody: null,
				};
				this.record(
					job,
					{
						sequence,
						duplicate: false,
						headers: {},
						body,
						startedMs: Date.now(),
						startedAt: isoTimestamp(current.now()),
					},
					failure,
				);
				return;
			}
			await this.deliver(job, sequence, body, false);
			if (this.redelivers(conversation.id, sequence)) await this.deliver(job, sequence, body, true);
		}
		if (job.generation === this.generation) conversation.status = 'ended';
	}

	/** Deterministic per (seed, conversation, event): the same run redelivers the same events. */
	private redelivers(conversationId: number, sequence: number): boolean {
		const { redeliverRatio, redeliverSeed } = this.deps.config();
		if (redeliverRatio <= 0) return false;
		return unitHash(redeliverSeed, conversationId, sequence) < redeliverRatio;
	}

	private async deliver(
		job: QueuedJob,
		sequence: number,
		body: Record<string, unknown>,
		duplicate: boolean,
	): Promise<void> {
		if (job.generation !== this.generation) return;
		const attempt: Attempt = {
			sequence,
			duplicate,
			headers: this.headersFor(job.webhook),
			body,
			startedMs: Date.now(),
			startedAt: isoTimestamp(this.deps.config().now()),
		};
		const outcome = await this.post(job.webhook.link, attempt.headers, body);
		if (job.generation !== this.generation) return;
		this.record(job, attempt, outcome);
	}

	private headersFor(webhook: WebhookOptions): Record<string, string> {
		const secret = this.deps.config().webhookSecret;
		return {
			...lowerCaseKeys(webhook.headers ?? {}),
			'content-type': 'application/json',
			...(secret !== null ? { [WEBHOOK_SECRET_HEADER]: secret } : {}),
		};
	}

	private record(job: QueuedJob, attempt: Attempt, outcome: PostOutcome): void {
		const state = this.deps.state();
		const event = attempt.body.event as { type?: unknown } | undefined;
		const delivery: DeliveryRecord = {
			id: state.nextId('delivery'),
			conversation_id: job.conversation.id,
			batch_id: job.conversation.batch_id,
			event_type: typeof event?.type === 'string' ? event.type : 'unknown',
			sequence: attempt.sequence,
			duplicate: attempt.duplicate,
			url: job.webhook.link,
			headers: attempt.headers,
			body: attempt.body,
			status: outcome.status,
			error: outcome.error,
			response_body: outcome.responseBody,
			started_at: attempt.startedAt,
			started_ms: attempt.startedMs,
			duration_ms: Date.now() - attempt.startedMs,
		};
		state.deliveries.push(delivery);
		this.deps.events.emit('delivery', delivery);
	}

	private post(
		link: string,
		headers: Record<string, string>,
		body: Record<string, unknown>,
	): Promise<PostOutcome> {
		const url = new URL(link);
		const transport = url.protocol === 'https:' ? https : url.protocol === 'http:' ? http : null;
		if (!transport)
			return Promise.resolve({
				status: null,
				error: `unsupported protocol ${url.protocol}`,
				responseBody: null,
			});
		const payload = Buffer.from(JSON.stringify(body), 'utf8');
		return new Promise((resolve) => {
			const request = transport.request(url, {
				method: 'POST',
				headers: { ...headers, 'content-length': String(payload.length) },
				agent: url.protocol === 'https:' ? this.httpsAgent : this.httpAgent,
				timeout: this.deps.config().deliveryTimeoutMs,
			});
			this.inflight.add(request);
			const finish = (outcome: PostOutcome) => {
				this.inflight.delete(request);
				resolve(outcome);
			};
			request.on('timeout', () => request.destroy(new Error('timeout')));
			request.on('error', (error) =>
				finish({ status: null, error: error.message, responseBody: null }),
			);
			request.on('response', (response) => {
				const chunks: Buffer[] = [];
				let size = 0;
				response.on('data', (chunk: Buffer) => {
					if (size < MAX_RECORDED_RESPONSE) chunks.push(chunk);
					size += chunk.length;
				});
				response.on('end', () =>
					finish({
						status: response.statusCode ?? null,
						error: null,
						responseBody: Buffer.concat(chunks).toString('utf8').slice(0, MAX_RECORDED_RESPONSE),
					}),
				);
				response.on('error', (error) =>
					finish({ status: response.statusCode ?? null, error: error.message, responseBody: null }),
				);
			});
			request.end(payload);
		});
	}
}

/** `webhook.body` fields join every event; the platform's own fields win a clash [assumed]. */
export function mergeWebhookBody(
	event: object,
	extra: Record<string, unknown> | undefined,
): Record<string, unknown> {
	const merged: Record<string, unknown> = { ...event };
	for (const [key, value] of Object.entries(extra ?? {})) {
		if (!(key in merged)) merged[key] = value;
	}
	return merged;
}

function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
	return Object.fromEntries(
		Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]),
	);
}

/** A well-mixed hash of integers into [0, 1). */
export function unitHash(...parts: number[]): number {
	let hash = 0x811c9dc5;
	for (const part of parts) {
		hash = Math.imul(hash ^ (part | 0), 0x01000193);
		hash ^= hash >>> 15;
		hash = Math.imul(hash, 0x2c1b3c6d);
		hash ^= hash >>> 12;
		hash = Math.imul(hash, 0x297a2d39);
		hash ^= hash >>> 15;
	}
	return (hash >>> 0) / 4294967296;
}
