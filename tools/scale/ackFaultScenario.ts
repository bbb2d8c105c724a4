/**
 * The ack-fault scenario: Velents is told an event arrived only once n8n holds it. While the sandbox
 * posts a campaign's lifecycle events to the follow-up workflow's Velents Agent Trigger through the
 * webhook processor, Redis and then PostgreSQL are stopped for a few seconds and started again:
 *
 * - Redis: n8n saves the execution, then waits for Redis to queue it; the webhook processor runs
 *   with a short `QUEUE_BULL_REDIS_TIMEOUT_THRESHOLD`, so it gives up (n8n exits the process) while
 *   main and the workers, at n8n's default 10 s, wait the outage out. The requests it holds then are
 *   the ones between acceptance and the queue. It is started again once Redis is back.
 * - PostgreSQL: n8n can neither read the workflow nor save the execution.
 *
 * Afterwards Velents' redelivery [assumed in the contract] is played: every delivery not answered
 * 2xx is posted once more, byte for byte. Everything is judged from the outside: the sandbox's record
 * of each answer, and whether the follow-up ran (its ticket in the sandbox, one per conversation).
 * The checks fail against a trigger that answers 200 before n8n holds the execution (`npm run
 * scale-test -- --only ack-fault --package-revision <an older revision>`).
 */
import http from 'node:http';

import { percentile, round } from '../figures/report';
import type { DeliveryRecord } from '../sandbox/server';
import { MANUAL_TRIGGER_NAME, readExample } from '../n8n/examples';
import { sleep } from '../n8n/process';
import type { ScenarioEnvironment } from './scenario';
import {
	EVENTS_PER_CONVERSATION,
	SCALE_SCRIPT,
	TIME_SCALE,
	WINDOW_SECONDS,
	campaignWorkflow,
	createFollowUp,
	ignoredAs,
	sqlText,
	startedExecution,
	statusCounts,
	tally,
} from './scenario';
import type { Redis } from './redis';

export type OutageTarget = 'redis' | 'postgres';

export interface AckFaultSpec {
	name: 'ack-fault';
	conversations: number;
	/** Conversations the sandbox plays at once; each waits `eventGapMs` before each of its events. */
	deliveryConcurrency: number;
	eventGapMs: number;
	/** In this order; each starts once this fraction of the events has been answered. */
	outages: Array<{ target: OutageTarget; atEventsFraction: number; downMs: number }>;
	/** The webhook processor's give-up time for Redis (n8n's default, 10 s, stays on main and workers). */
	webhookRedisTimeoutMs: number;
}

export interface AckFaultEnvironment extends ScenarioEnvironment {
	redis: Redis;
}

interface OutageReport {
	target: OutageTarget;
	downMs: number;
	/** From the stop to the webhook processor answering again (its restart included). */
	intakeDownMs: number;
	webhookRestarted: boolean;
	/** In flight during the outage, by outcome: the onEnded events (the ones that start a follow-up) and all. */
	onEnded: AnswerCounts;
	all: AnswerCounts;
	/** Answers to those by HTTP status (`none`: no answer: connection refused or reset, timeout). */
	statuses: Record<string, number>;
}

interface AnswerCounts {
	taken: number;
	ignored: number;
	/** Not 2xx, or no answer (connection refused or reset, timeout). */
	notTaken: number;
}

export interface AckFaultResult {
	name: string;
	conversations: number;
	/** The package the cluster ran: this checkout, or a git revision. */
	packageRevision: string | null;
	deliveries: { total: number } & AnswerCounts;
	outages: OutageReport[];
	redelivered: { total: number; onEnded: number } & AnswerCounts;
	followUps: {
		/** Conversations whose onEnded was answered as taken (first delivery or redelivery). */
		taken: number;
		/** …whose follow-up ran (the conversation has its ticket), and ran more than once. */
		ran: number;
		/** …whose execution a worker started and n8n then failed (or left running). */
		failedInN8n: number;
		/** …that n8n never ran: no execution, or one never handed to a worker. */
		lost: number;
		twice: number;
		/** Conversations whose follow-up ran although no delivery of their onEnded was answered as taken. */
		ranUnanswered: number;
	};
	/** n8n's follow-up executions by status. */
	executions: Record<string, number>;
	/** The trigger's answer latency outside the outages, as Velents sees it (ms). */
	latency: {
		taken: { count: number; p50Ms: number; p99Ms: number };
		ignored: { count: number; p50Ms: number; p99Ms: number };
	};
	checks: Array<{ check: string; passed: boolean; detail: string }>;
	passed: boolean;
}

const UNTHROTTLED_LIMIT = 1_000_000;
const DELIVERY_TIMEOUT_MS = 30_000;
/** How long the follow-ups may take after the last answer. */
const SETTLE_TIMEOUT_MS = 90_000;
const DRAIN_TIMEOUT_MS = 10 * 60_000;

type Outcome = keyof AnswerCounts;

export async function runAckFault(
	env: AckFaultEnvironment,
	spec: AckFaultSpec,
	packageRevision: string | null,
): Promise<AckFaultResult> {
	const { api, sandbox, cluster, log } = env;
	const webhookEnv = { QUEUE_BULL_REDIS_TIMEOUT_THRESHOLD: String(spec.webhookRedisTimeoutMs) };
	await cluster.restartWebhook(webhookEnv);

	sandbox.reset();
	sandbox.configure({
		timeScale: TIME_SCALE,
		rateLimit: { limit: UNTHROTTLED_LIMIT, windowSeconds: WINDOW_SECONDS },
		script: SCALE_SCRIPT,
		redeliverRatio: 0,
		deliveryConcurrency: spec.deliveryConcurrency,
		deliveryTimeoutMs: DELIVERY_TIMEOUT_MS,
		eventDelayMs: spec.eventGapMs * TIME_SCALE,
	});
	const scenarioSpec = { ...spec, redeliverRatio: 0 };
	const followUp = await createFollowUp(env, spec.name);
	const campaign = await api.createWorkflow(
		campaignWorkflow(await readExample('campaign'), env, scenarioSpec, followUp.url),
	);
	const batch = await api.waitForExecution(
		await api.runManually(campaign.id, MANUAL_TRIGGER_NAME),
		5 * 60_000,
	);
	if (batch.status !== 'success')
		throw new Error(`${spec.name}: the Batch run ended ${batch.status}.`);

	const totalEvents = spec.conversations * EVENTS_PER_CONVERSATION;
	const windows: Array<{ from: number; to: number }> = [];
	const reports: AckFaultObservations['reports'] = [];
	for (const outage of spec.outages) {
		await untilAnswered(env, Math.ceil(totalEvents * outage.atEventsFraction));
		log(`  ${spec.name}: stopping ${outage.target} for ${outage.downMs} ms`);
		const from = Date.now();
		const server = outage.target === 'redis' ? env.redis : env.postgres;
		await server.interrupt(outage.downMs);
		// n8n exits a process that cannot reach Redis for longer than its threshold.
		const webhookRestarted = await hasExited(cluster.webhook.exited);
		if (webhookRestarted) await cluster.restartWebhook(webhookEnv);
		const to = Date.now();
		windows.push({ from, to });
		reports.push({
			target: outage.target,
			downMs: outage.downMs,
			intakeDownMs: to - from,
			webhookRestarted,
		});
		log(
			`  ${spec.name}: ${outage.target} back; intake answering again after ${to - from} ms${webhookRestarted ? ' (the webhook processor had exited and was started again)' : ''}`,
		);
	}
	await sandbox.waitForIdle(DRAIN_TIMEOUT_MS);
	const deliveries = [...sandbox.state.deliveries];

	// Velents' redelivery [assumed]: the same bytes again, once, after the outages.
	const failed = deliveries.filter((delivery) => outcomeOf(delivery) === 'notTaken');
	const redeliveries = await redeliverAll(failed, spec.deliveryConcurrency);
	log(`  ${spec.name}: ${failed.length} deliveries not taken, posted again`);

	const taken = takenConversations([...deliveries, ...redeliveries]);
	await untilFollowedUp(env, taken);

	const tickets = ticketsPerConversation(env);
	const executionsOfUnfollowed = new Map<number, string[]>();
	for (const id of [...taken].filter((conversation) => !tickets.has(conversation)))
		executionsOfUnfollowed.set(id, await executionStatusesOf(env, followUp.id, id));
	return judgeAckFault(spec, packageRevision, {
		deliveries,
		redeliveries,
		windows,
		reports,
		tickets,
		executionsOfUnfollowed,
		executions: await statusCounts(env.postgres, followUp.id, 'webhook'),
	});
}

// ---------------------------------------------------------------- driving

async function untilAnswered(env: AckFaultEnvironment, count: number): Promise<void> {
	const deadline = Date.now() + DRAIN_TIMEOUT_MS;
	while (env.sandbox.state.deliveries.length < count) {
		if (Date.now() > deadline)
			throw new Error(`Only ${env.sandbox.state.deliveries.length} of ${count} events answered.`);
		await sleep(50);
	}
}

async function hasExited(exited: Promise<unknown>): Promise<boolean> {
	return await Promise.race([exited.then(() => true), sleep(0).then(() => false)]);
}

/** Until every taken conversation has its ticket, or the follow-ups have had SETTLE_TIMEOUT_MS. */
async function untilFollowedUp(env: AckFaultEnvironment, taken: Set<number>): Promise<void> {
	const deadline = Date.now() + SETTLE_TIMEOUT_MS;
	while (Date.now() < deadline) {
		const tickets = ticketsPerConversation(env);
		if ([...taken].every((id) => tickets.has(id))) return;
		await sleep(1000);
	}
}

/** The statuses of n8n's follow-up executions for a conversation: its phone is in their data. */
async function executionStatusesOf(
	env: AckFaultEnvironment,
	workflowId: string,
	conversationId: number,
): Promise<string[]> {
	const phone = env.sandbox.state.agentConversations.get(conversationId)?.phone;
	if (!phone) return [];
	const rows = await env.postgres.query(
		`SELECT e.status FROM execution_entity e JOIN execution_data d ON d."executionId" = e.id
		 WHERE e."workflowId" = ${sqlText(workflowId)} AND d.data LIKE ${sqlText(`%"${phone}"%`)}`,
	);
	return rows.map(([status]) => status);
}

function ticketsPerConversation(env: AckFaultEnvironment): Map<number, number> {
	return tally(
		[...env.sandbox.state.tickets.values()].map((stored) =>
			Number(
				(stored.ticket.metadata as { velents_conversation_id?: unknown } | undefined)
					?.velents_conversation_id,
			),
		),
	);
}

/** Posts each delivery again, `lanes` at a time, as the sandbox posted them. */
async function redeliverAll(
	deliveries: readonly DeliveryRecord[],
	lanes: number,
): Promise<DeliveryRecord[]> {
	const answers: DeliveryRecord[] = [];
	let next = 0;
	const lane = async (): Promise<void> => {
		while (next < deliveries.length) answers.push(await redeliver(deliveries[next++]));
	};
	await Promise.all(Array.from({ length: lanes }, lane));
	return answers;
}

/** Posts a delivery's request again, byte for byte; the answer recorded as a delivery. */
function redeliver(delivery: DeliveryRecord): Promise<DeliveryRecord> {
	const payload = Buffer.from(JSON.stringify(delivery.body), 'utf8');
	const startedMs = Date.now();
	const done = (status: number | null, body: string | null, error: string | null) => ({
		...delivery,
		duplicate: true,
		status,
		response_body: body,
		error,
		started_ms: startedMs,
		duration_ms: Date.now() - startedMs,
	});
	return new Promise((resolve) => {
		const request = http.request(delivery.url, {
			method: 'POST',
			headers: { ...delivery.headers, 'content-length': String(payload.length) },
			timeout: DELIVERY_TIMEOUT_MS,
		});
		request.on('timeout', () => request.destroy(new Error('timeout')));
		request.on('error', (error) => resolve(done(null, null, error.message)));
		request.on('response', (response) => {
			const chunks: Buffer[] = [];
			response.on('data', (chunk: Buffer) => chunks.push(chunk));
			response.on('end', () =>
				resolve(done(response.statusCode ?? null, Buffer.concat(chunks).toString('utf8'), null)),
			);
			response.on('error', (error) =>
				resolve(done(response.statusCode ?? null, null, error.message)),
			);
		});
		request.end(payload);
	});
}

// ---------------------------------------------------------------- judging

function outcomeOf(delivery: DeliveryRecord): Outcome {
	if (delivery.status === null || delivery.status < 200 || delivery.status >= 300)
		return 'notTaken';
	if (ignoredAs(delivery.response_body) !== null) return 'ignored';
	return startedExecution(delivery.response_body) ? 'taken' : 'notTaken';
}

/** Conversations whose onEnded was answered as taken (by any of these deliveries). */
function takenConversations(deliveries: readonly DeliveryRecord[]): Set<number> {
	return new Set(
		deliveries
			.filter((delivery) => delivery.event_type === 'onEnded' && outcomeOf(delivery) === 'taken')
			.map((delivery) => delivery.conversation_id),
	);
}

function countOutcomes(deliveries: readonly DeliveryRecord[]): AnswerCounts {
	const counts: AnswerCounts = { taken: 0, ignored: 0, notTaken: 0 };
	for (const delivery of deliveries) counts[outcomeOf(delivery)]++;
	return counts;
}

function latencyOf(deliveries: readonly DeliveryRecord[]): AckFaultResult['latency']['taken'] {
	const sorted = deliveries.map((delivery) => delivery.duration_ms).sort((a, b) => a - b);
	return {
		count: sorted.length,
		p50Ms: round(percentile(sorted, 0.5)),
		p99Ms: round(percentile(sorted, 0.99)),
	};
}

/** What a run saw, from the outside. */
export interface AckFaultObservations {
	/** The sandbox's deliveries, in the order answered. */
	deliveries: DeliveryRecord[];
	/** The second post of each delivery not taken. */
	redeliveries: DeliveryRecord[];
	/** Each outage: from the stop to the intake answering again (epoch ms). */
	windows: Array<{ from: number; to: number }>;
	reports: Array<Omit<OutageReport, 'onEnded' | 'all' | 'statuses'>>;
	/** Tickets per conversation id: the follow-ups that ran. */
	tickets: Map<number, number>;
	/**
	 * For each conversation taken but not followed up: the statuses of n8n's executions for it. One
	 * past `new` was handed to a worker (n8n shows it failed or stuck); none, or only `new`, was never run.
	 */
	executionsOfUnfollowed: Map<number, string[]>;
	executions: Record<string, number>;
}

export function judgeAckFault(
	spec: AckFaultSpec,
	packageRevision: string | null,
	run: AckFaultObservations,
): AckFaultResult {
	const { deliveries, redeliveries, windows, tickets } = run;
	const taken = takenConversations([...deliveries, ...redeliveries]);
	// A request belongs to an outage when it was in flight at some point while the outage lasted.
	const within = (delivery: DeliveryRecord, window: { from: number; to: number }): boolean =>
		delivery.started_ms <= window.to && delivery.started_ms + delivery.duration_ms >= window.from;
	const outages: OutageReport[] = run.reports.map((report, index) => {
		const inWindow = deliveries.filter((delivery) => within(delivery, windows[index]));
		return {
			...report,
			onEnded: countOutcomes(inWindow.filter((delivery) => delivery.event_type === 'onEnded')),
			all: countOutcomes(inWindow),
			statuses: Object.fromEntries(
				tally(inWindow.map((delivery) => String(delivery.status ?? 'none'))),
			),
		};
	});
	const calm = deliveries.filter((delivery) => !windows.some((window) => within(delivery, window)));

	const ran = [...taken].filter((id) => (tickets.get(id) ?? 0) >= 1);
	const unfollowed = [...taken].filter((id) => !tickets.has(id));
	// n8n took these and a worker then failed them: shown in n8n, to be retried like any failed execution.
	const failedInN8n = unfollowed.filter((id) =>
		(run.executionsOfUnfollowed.get(id) ?? []).some((status) => status !== 'new'),
	);
	const lost = unfollowed.filter((id) => !failedInN8n.includes(id));
	const twice = [...tickets.entries()].filter(([, count]) => count > 1).map(([id]) => id);
	const ranUnanswered = [...tickets.keys()].filter((id) => !taken.has(id));
	const notTakenOnEnded = deliveries.filter(
		(delivery) => delivery.event_type === 'onEnded' && outcomeOf(delivery) === 'notTaken',
	);
	const redeliveredOnEnded = redeliveries.filter((delivery) => delivery.event_type === 'onEnded');
	const redeliveredRanOnce = redeliveredOnEnded.filter(
		(delivery) => outcomeOf(delivery) === 'taken' && tickets.get(delivery.conversation_id) === 1,
	);
	const sample = (ids: readonly number[]): string =>
		ids.length
			? ` (conversations ${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ', …' : ''})`
			: '';

	const check = (name: string, passed: boolean, detail: string) => ({
		check: name,
		passed,
		detail,
	});
	const checks = [
		...outages.map((outage) =>
			check(
				`the ${outage.target} outage hit events on their way in: some onEnded were not answered 2xx`,
				outage.onEnded.notTaken > 0,
				`${outage.all.notTaken} of ${outage.all.taken + outage.all.ignored + outage.all.notTaken} events in flight during it were not answered 2xx; onEnded: ${outage.onEnded.taken} taken, ${outage.onEnded.notTaken} not`,
			),
		),
		check(
			'every onEnded answered as taken ran or n8n shows its run failed: nothing counted as delivered that n8n did not hold',
			lost.length === 0,
			`${taken.size} conversations' onEnded answered as taken; ${ran.length} followed up; ${failedInN8n.length} started by a worker and failed there${sample(failedInN8n)}; ${lost.length} never run${sample(lost)}`,
		),
		check(
			'every onEnded not taken was taken on redelivery and then ran exactly once',
			redeliveredRanOnce.length === notTakenOnEnded.length,
			`${notTakenOnEnded.length} not taken; redelivered: ${countOutcomes(redeliveredOnEnded).taken} taken, ${countOutcomes(redeliveredOnEnded).ignored} ignored, ${countOutcomes(redeliveredOnEnded).notTaken} not taken; ${redeliveredRanOnce.length} then followed up exactly once`,
		),
		check(
			'every conversation followed up exactly once in the end (but those n8n shows failed)',
			twice.length === 0 &&
				tickets.size === spec.conversations - failedInN8n.length &&
				ranUnanswered.length === 0,
			`${tickets.size} of ${spec.conversations} conversations have a ticket; ${twice.length} more than one${sample(twice)}; ${ranUnanswered.length} without a taken answer${sample(ranUnanswered)}`,
		),
	];
	return {
		name: spec.name,
		conversations: spec.conversations,
		packageRevision,
		deliveries: { total: deliveries.length, ...countOutcomes(deliveries) },
		outages,
		redelivered: {
			total: redeliveries.length,
			onEnded: redeliveredOnEnded.length,
			...countOutcomes(redeliveries),
		},
		followUps: {
			taken: taken.size,
			ran: ran.length,
			failedInN8n: failedInN8n.length,
			lost: lost.length,
			twice: twice.length,
			ranUnanswered: ranUnanswered.length,
		},
		executions: run.executions,
		latency: {
			taken: latencyOf(calm.filter((delivery) => outcomeOf(delivery) === 'taken')),
			ignored: latencyOf(calm.filter((delivery) => outcomeOf(delivery) === 'ignored')),
		},
		checks,
		passed: checks.every((entry) => entry.passed),
	};
}
