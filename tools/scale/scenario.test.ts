/**
 * The scale test's verdicts (`npm run scale-test`, tools/scale/): what each scenario must show, and
 * that every check fails when what it guards goes wrong. The scenarios themselves need a queue-mode
 * n8n with PostgreSQL and Redis and run outside `npm test`.
 */
import { scenarioChecks } from './scenario';
import type { ScenarioResult, ScenarioSpec } from './scenario';

type Measured = Omit<ScenarioResult, 'checks' | 'passed'>;

const N = 100;
const spec: ScenarioSpec = {
	name: 'redelivered',
	conversations: N,
	redeliverRatio: 0.05,
	deliveryConcurrency: 16,
};

/** What a scenario that went right measures: 4 events per conversation, 20 of them posted twice (5 onEnded). */
function flawless(): Measured {
	return {
		name: spec.name,
		workers: 2,
		conversations: N,
		redeliverRatio: 0.05,
		fault: null,
		supportLimitPerSecond: 30,
		supportLatencyMs: 0,
		deliveries: {
			total: 4 * N + 20,
			redelivered: 20,
			accepted2xx: 4 * N + 20,
			failed: 0,
			redeliveredOnEnded: 5,
			ignoredDuplicates: 5,
			redeliveriesStarted: 0,
			onEndedStarted: N,
			perSecond: 40,
		},
		executions: {
			byStatus: { success: N },
			retried: 0,
			retriesByStatus: {},
			succeeded: N,
			failedWithWorker: 0,
		},
		tickets: { total: N, exactlyOnce: N, missing: 0, duplicated: 0 },
		confirmations: { total: N, exactlyOnce: N, missing: 0, duplicated: 0 },
		incompleteFollowUps: 0,
		support: { requests: 2 * N, rateLimited: 3, failedOnRateLimit: 0 },
		timing: {
			batchMs: 300,
			followUpSpanMs: 10_000,
			followUpsPerSecond: 10,
			rateLimitFloorMs: 5667,
		},
		faultReport: null,
	};
}

const failing = (measured: Measured, scenario: ScenarioSpec = spec): string[] =>
	scenarioChecks(measured, scenario, N, 1, 1)
		.filter((check) => !check.passed)
		.map((check) => check.check);

describe('a scenario passes only when every conversation is followed up exactly once', () => {
	it('a flawless run passes every check', () => {
		expect(failing(flawless())).toEqual([]);
	});

	it('an event not answered 2xx fails the delivery check', () => {
		const measured = flawless();
		measured.deliveries.failed = 1;
		expect(failing(measured)).toEqual(['every event delivered and answered 2xx (≥ 400 events)']);
	});

	it('a redelivery that started an execution fails, even when nothing else shows it yet', () => {
		const measured = flawless();
		measured.deliveries.redeliveriesStarted = 1;
		measured.deliveries.ignoredDuplicates = 4;
		expect(failing(measured)).toEqual(['no redelivered event started an execution']);
	});

	it('a second ticket for a conversation fails the ticket check', () => {
		const measured = flawless();
		measured.tickets = { total: N + 1, exactlyOnce: N - 1, missing: 0, duplicated: 1 };
		expect(failing(measured)).toContain('exactly one ticket and one confirmation per conversation');
	});

	it('a confirmation sent twice fails the ticket check', () => {
		const measured = flawless();
		measured.confirmations = { total: N + 1, exactlyOnce: N - 1, missing: 0, duplicated: 1 };
		expect(failing(measured)).toEqual(['exactly one ticket and one confirmation per conversation']);
	});

	it('a follow-up that failed (on the rate limit) fails two checks', () => {
		const measured = flawless();
		measured.executions.byStatus = { success: N - 1, error: 1 };
		measured.executions.succeeded = N - 1;
		measured.support.failedOnRateLimit = 1;
		measured.incompleteFollowUps = 1;
		measured.tickets = { total: N - 1, exactlyOnce: N - 1, missing: 1, duplicated: 0 };
		expect(failing(measured)).toEqual([
			'exactly one successful follow-up per conversation',
			'exactly one ticket and one confirmation per conversation',
			'no follow-up failed on the Support rate limit',
		]);
	});
});

describe('a killed worker: only the executions n8n failed with it may lack their follow-up', () => {
	const killed: ScenarioSpec = {
		...spec,
		name: 'worker-killed',
		fault: { kind: 'kill', atTicketsFraction: 0.3, downMs: 5000 },
	};
	const afterKill = (): Measured => {
		const measured = flawless();
		measured.executions = {
			byStatus: { success: N - 3, error: 3 },
			retried: 3,
			retriesByStatus: { error: 3 },
			succeeded: N - 3,
			failedWithWorker: 3,
		};
		measured.tickets = { total: N - 1, exactlyOnce: N - 1, missing: 1, duplicated: 0 };
		measured.confirmations = { total: N - 3, exactlyOnce: N - 3, missing: 2, duplicated: 0 };
		measured.incompleteFollowUps = 3;
		return measured;
	};

	it('passes when the incomplete follow-ups are exactly those n8n failed', () => {
		expect(failing(afterKill(), killed)).toEqual([]);
	});

	it('passes when a killed execution had sent its requests before it died (complete, yet failed in n8n)', () => {
		const measured = afterKill();
		measured.confirmations = { total: N - 2, exactlyOnce: N - 2, missing: 1, duplicated: 0 };
		measured.incompleteFollowUps = 2;
		expect(failing(measured, killed)).toEqual([]);
	});

	it('fails when a conversation lacks its follow-up without a failed execution to show for it', () => {
		const measured = afterKill();
		measured.incompleteFollowUps = 4;
		expect(failing(measured, killed)).toEqual([
			'exactly one ticket and one confirmation per conversation (all but the 3 that n8n failed with the killed worker)',
		]);
	});

	it('fails when a follow-up ran twice', () => {
		const measured = afterKill();
		measured.tickets.duplicated = 1;
		expect(failing(measured, killed)).toContain(
			'exactly one ticket and one confirmation per conversation (all but the 3 that n8n failed with the killed worker)',
		);
	});

	it('the same losses without a kill fail: only a killed worker excuses them', () => {
		expect(failing(afterKill(), spec)).toEqual([
			'exactly one successful follow-up per conversation',
			'exactly one ticket and one confirmation per conversation',
		]);
	});
});
