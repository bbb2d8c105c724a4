/**
 * The ack-fault scenario's verdict (`npm run scale-test -- --only ack-fault`): what a run must show
 * for "Velents is told an event arrived only once n8n holds it", and that each check fails when that
 * goes wrong. The scenario itself needs a queue-mode n8n with PostgreSQL and Redis, outside `npm test`.
 */
import type { DeliveryRecord } from '../sandbox/server';
import { judgeAckFault } from './ackFaultScenario';
import type { AckFaultObservations, AckFaultSpec } from './ackFaultScenario';

const spec: AckFaultSpec = {
	name: 'ack-fault',
	conversations: 3,
	deliveryConcurrency: 16,
	eventGapMs: 1000,
	outages: [{ target: 'redis', atEventsFraction: 0.25, downMs: 5000 }],
	webhookRedisTimeoutMs: 2000,
};
const OUTAGE = { from: 10_000, to: 20_000 };
const TAKEN = '{"received":true}';
const NOT_SELECTED = '{"received":true,"ignored":"eventNotSelected"}';

function delivery(
	conversation: number,
	eventType: string,
	answer: { status: number | null; body?: string; answeredAt?: number },
): DeliveryRecord {
	const startedMs = (answer.answeredAt ?? 1000) - 5;
	return {
		id: conversation * 10,
		conversation_id: conversation,
		batch_id: 1,
		event_type: eventType,
		sequence: eventType === 'onEnded' ? 3 : 0,
		duplicate: false,
		url: 'http://127.0.0.1:1/webhook/x/webhook',
		headers: {},
		body: {},
		status: answer.status,
		error: answer.status === null ? 'socket hang up' : null,
		response_body: answer.body ?? null,
		started_at: '2026-01-01T00:00:00Z',
		started_ms: startedMs,
		duration_ms: 5,
	};
}

/**
 * Conversations 1 and 2 were taken outside the outage; conversation 3's onEnded was answered with
 * no answer inside it, taken when posted again, and ran once. Every conversation has its ticket.
 */
function wentRight(): AckFaultObservations {
	return {
		deliveries: [
			delivery(1, 'onMessage', { status: 200, body: NOT_SELECTED }),
			delivery(1, 'onEnded', { status: 200, body: TAKEN }),
			delivery(2, 'onEnded', { status: 200, body: TAKEN, answeredAt: 30_000 }),
			delivery(3, 'onMessage', { status: null, answeredAt: 12_000 }),
			delivery(3, 'onEnded', { status: null, answeredAt: 15_000 }),
		],
		redeliveries: [
			delivery(3, 'onMessage', { status: 200, body: NOT_SELECTED, answeredAt: 40_000 }),
			delivery(3, 'onEnded', { status: 200, body: TAKEN, answeredAt: 40_000 }),
		],
		windows: [OUTAGE],
		reports: [{ target: 'redis', downMs: 5000, intakeDownMs: 10_000, webhookRestarted: true }],
		tickets: new Map([
			[1, 1],
			[2, 1],
			[3, 1],
		]),
		executionsOfUnfollowed: new Map(),
		executions: { success: 3, new: 1 },
	};
}

function failedChecks(run: AckFaultObservations): string[] {
	return judgeAckFault(spec, null, run)
		.checks.filter((check) => !check.passed)
		.map((check) => check.check);
}

describe('the ack-fault verdict', () => {
	it('passes a run where every taken event ran and every event not taken ran once after its redelivery', () => {
		const result = judgeAckFault(spec, null, wentRight());
		expect(result.checks.filter((check) => !check.passed)).toEqual([]);
		expect(result.passed).toBe(true);
		expect(result.outages[0].all).toEqual({ taken: 0, ignored: 0, notTaken: 2 });
		expect(result.followUps).toEqual({
			taken: 3,
			ran: 3,
			failedInN8n: 0,
			lost: 0,
			twice: 0,
			ranUnanswered: 0,
		});
	});

	it('fails an event answered as taken whose follow-up never ran (the answer came before n8n held it)', () => {
		const run = wentRight();
		run.tickets.delete(2);
		run.executionsOfUnfollowed.set(2, ['new']);
		const result = judgeAckFault(spec, null, run);
		expect(failedChecks(run)).toEqual([
			'every onEnded answered as taken ran or n8n shows its run failed: nothing counted as delivered that n8n did not hold',
			'every conversation followed up exactly once in the end (but those n8n shows failed)',
		]);
		expect(result.followUps.lost).toBe(1);
		expect(result.checks[1].detail).toContain('never run (conversations 2)');
	});

	it('fails an event answered as taken of which n8n has no execution at all', () => {
		const run = wentRight();
		run.tickets.delete(2);
		expect(judgeAckFault(spec, null, run).followUps.lost).toBe(1);
	});

	it('counts apart an event n8n took and a worker then failed: shown in n8n, retried there', () => {
		const run = wentRight();
		run.tickets.delete(2);
		run.executionsOfUnfollowed.set(2, ['running']);
		const result = judgeAckFault(spec, null, run);
		expect(result.passed).toBe(true);
		expect(result.followUps).toMatchObject({ failedInN8n: 1, lost: 0 });
	});

	it('fails an outage that no answer felt: the fault never reached the intake', () => {
		const run = wentRight();
		run.deliveries[4] = delivery(3, 'onEnded', { status: 200, body: TAKEN, answeredAt: 15_000 });
		run.deliveries[3] = delivery(3, 'onMessage', {
			status: 200,
			body: NOT_SELECTED,
			answeredAt: 12_000,
		});
		run.redeliveries = [];
		expect(failedChecks(run)).toEqual([
			'the redis outage hit events on their way in: some onEnded were not answered 2xx',
		]);
	});

	it('fails a redelivery dropped as a duplicate: a delivery not taken must not be remembered', () => {
		const run = wentRight();
		run.redeliveries[1] = delivery(3, 'onEnded', {
			status: 200,
			body: '{"received":true,"ignored":"duplicate"}',
			answeredAt: 40_000,
		});
		run.tickets.delete(3);
		expect(failedChecks(run)).toEqual([
			'every onEnded not taken was taken on redelivery and then ran exactly once',
			'every conversation followed up exactly once in the end (but those n8n shows failed)',
		]);
	});

	it('fails a follow-up that ran twice: an event not taken had run after all, and its redelivery again', () => {
		const run = wentRight();
		run.tickets.set(3, 2);
		expect(failedChecks(run)).toEqual([
			'every onEnded not taken was taken on redelivery and then ran exactly once',
			'every conversation followed up exactly once in the end (but those n8n shows failed)',
		]);
	});
});
