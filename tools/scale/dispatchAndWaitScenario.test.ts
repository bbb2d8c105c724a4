/**
 * The Dispatch and Wait scale scenario's verdicts (dispatchAndWaitScenario.ts): what the outside
 * records must show for the scenario to pass, and that each check fails when what it guards goes
 * wrong. The scenario itself needs the queue-mode cluster and runs in `npm run scale-test`.
 */
import { measureWaitScenario, waitScenarioChecks } from './dispatchAndWaitScenario';
import type { Posted, WaitObserved } from './dispatchAndWaitScenario';

const WEBHOOK_PROCESSOR = 'http://127.0.0.1:5712/';
const EXTRACTION = { customer_name: 'shady', booking_time: 'today 22:00' };
const DISPATCHED_MS = 1_000_000;
const EVENTS = ['onStarted', 'onMessage', 'onUpdate', 'onEnded'];

/** Two conversations that end (executions 11 and 12) and one that never does (execution 10). */
function flawless(): WaitObserved {
	const conversations = [
		{ conversationId: 3, order: 'never-ends', execution: '10' },
		{ conversationId: 1, order: '200000', execution: '11' },
		{ conversationId: 2, order: '200001', execution: '12' },
	];
	const endedMs = (conversationId: number) => DISPATCHED_MS + 12_000 + conversationId;
	return {
		spec: { conversations: 2 },
		workers: 2,
		webhookProcessor: WEBHOOK_PROCESSOR,
		orders: ['200000', '200001'],
		timeoutOrder: 'never-ends',
		refused: 0,
		dispatches: conversations.map(({ conversationId, order, execution }) => ({
			conversationId,
			order,
			link: `${WEBHOOK_PROCESSOR}webhook-waiting/${execution}/wait?signature=token${execution}`,
		})),
		deliveries: conversations.flatMap(({ conversationId, order }) =>
			EVENTS.map((eventType) => ({
				conversationId,
				eventType,
				status: 200,
				error: null,
				responseBody: JSON.stringify({
					received: true,
					resumed: eventType === 'onEnded' && order !== 'never-ends',
				}),
				startedMs: eventType === 'onEnded' ? endedMs(conversationId) : DISPATCHED_MS,
				extraction: eventType === 'onStarted' ? [] : EXTRACTION,
			})),
		),
		posts: [
			continued('11', '200000', 1, endedMs(1) + 40),
			continued('12', '200001', 2, endedMs(2) + 90),
			{
				execution: '10',
				order: 'never-ends',
				outcome: 'timed_out',
				conversationId: 3,
				conversationOrder: 'never-ends',
				extraction: {},
				transcript: '',
				arrivedMs: DISPATCHED_MS + 95_000,
			},
		],
		executions: new Map(
			['10', '11', '12'].map((id) => [id, { status: 'success', createdMs: DISPATCHED_MS - 500 }]),
		),
		waitingPeak: 3,
		workerJobs: new Map([
			['10', ['worker-1', 'worker-2']],
			['11', ['worker-1', 'worker-2']],
			['12', ['worker-2', 'worker-2']],
		]),
		queuedBy: new Map([
			['10', ['webhook processor', 'main']],
			['11', ['webhook processor', 'webhook processor']],
			['12', ['webhook processor', 'webhook processor']],
		]),
	};
}

function continued(
	execution: string,
	order: string,
	conversationId: number,
	arrivedMs: number,
): Posted {
	return {
		execution,
		order,
		outcome: 'ended',
		conversationId,
		conversationOrder: order,
		extraction: EXTRACTION,
		transcript: `مرحبا!\norder ${order}: my name is shady, book today 10 pm please\nتم!`,
		arrivedMs,
	};
}

const failing = (observed: WaitObserved): string[] =>
	waitScenarioChecks(measureWaitScenario(observed))
		.filter((check) => !check.passed)
		.map((check) => check.check);

const ONCE =
	'every conversation continued exactly once, with its own event (none lost, none twice)';
const EVENTS_CHECK =
	'every event answered 200; each end resumed its execution, nothing else resumed one';
const PROCESSES =
	'each execution queued twice by the webhook processor (order, end event) and run as two worker jobs';
const TIMEOUT =
	"the conversation that never ends continues with timed_out after its 1-minute limit (main's wait tracker, a worker)";

describe('Dispatch and Wait in queue mode: every wait resumed exactly once, through the webhook processor, on a worker', () => {
	it('a flawless run passes every check, with its figures', () => {
		const measured = measureWaitScenario(flawless());
		expect(waitScenarioChecks(measured).filter((check) => !check.passed)).toEqual([]);
		expect(measured.latency).toEqual({ p50Ms: 40, p99Ms: 90, maxMs: 90 });
		expect(measured.processes).toEqual({
			queuedByWebhookProcessor: 2,
			twoWorkerJobs: 2,
			resumedOn: { 'worker-2': 2 },
			resumedOnOtherWorker: 1,
		});
		expect(measured.timeout).toMatchObject({ outcome: 'timed_out', waitedMs: 95_500 });
	});

	it('an execution continued twice fails, though every conversation has its post', () => {
		const observed = flawless();
		observed.posts.push({ ...observed.posts[0], arrivedMs: observed.posts[0].arrivedMs + 5 });
		expect(failing(observed)).toEqual([ONCE]);
	});

	it('an execution continued with another conversation’s event fails', () => {
		const observed = flawless();
		observed.posts[0] = { ...observed.posts[0], conversationId: 2, conversationOrder: '200001' };
		expect(failing(observed)).toEqual([ONCE]);
	});

	it('a transcript or extraction not of its own conversation fails', () => {
		const transcript = flawless();
		transcript.posts[0] = { ...transcript.posts[0], transcript: 'order 200001: my name is shady' };
		expect(failing(transcript)).toEqual([ONCE]);
		const extraction = flawless();
		extraction.posts[1] = { ...extraction.posts[1], extraction: {} };
		expect(failing(extraction)).toEqual([ONCE]);
	});

	it('a lost continuation fails, and so does an execution left waiting', () => {
		const observed = flawless();
		observed.posts.splice(1, 1);
		observed.executions.set('12', { status: 'waiting', createdMs: DISPATCHED_MS });
		expect(failing(observed)).toEqual([ONCE]);
	});

	it('an event answered 409 (it came before the execution was parked) fails the events check', () => {
		const observed = flawless();
		observed.deliveries[4] = { ...observed.deliveries[4], status: 409, responseBody: '{}' };
		expect(failing(observed)).toEqual([EVENTS_CHECK]);
	});

	it('an event before the end that resumed an execution fails the events check', () => {
		const observed = flawless();
		observed.deliveries[5] = {
			...observed.deliveries[5],
			responseBody: JSON.stringify({ received: true, resumed: true }),
		};
		expect(failing(observed)).toEqual([EVENTS_CHECK]);
	});

	it('a resume URL that does not point at the webhook processor, or lacks its signature, fails', () => {
		const onMain = flawless();
		onMain.dispatches[1].link = onMain.dispatches[1].link.replace(':5712/', ':5711/');
		expect(failing(onMain)).toEqual([
			'every order dispatched, each with its own resume URL on the webhook processor',
		]);
		const unsigned = flawless();
		unsigned.dispatches[2].link = unsigned.dispatches[2].link.replace(/\?.*$/, '');
		expect(failing(unsigned)).toEqual([
			'every order dispatched, each with its own resume URL on the webhook processor',
		]);
	});

	it('a resumed part that no worker ran, or that main queued, fails', () => {
		const noWorker = flawless();
		noWorker.workerJobs.set('11', ['worker-1']);
		expect(failing(noWorker)).toEqual([PROCESSES]);
		const throughMain = flawless();
		throughMain.queuedBy.set('12', ['webhook processor', 'main']);
		expect(failing(throughMain)).toEqual([PROCESSES]);
	});

	it('the never-ending conversation fails its check unless it continues timed_out after the limit', () => {
		const early = flawless();
		early.posts[2] = { ...early.posts[2], arrivedMs: DISPATCHED_MS + 59_000 };
		expect(failing(early)).toEqual([TIMEOUT]);
		const late = flawless();
		late.posts[2] = { ...late.posts[2], arrivedMs: DISPATCHED_MS + 150_000 };
		expect(failing(late)).toEqual([TIMEOUT]);
		const never = flawless();
		never.posts.splice(2, 1);
		never.executions.set('10', { status: 'waiting', createdMs: DISPATCHED_MS });
		expect(failing(never)).toEqual([TIMEOUT]);
		const notByTheWaitTracker = flawless();
		notByTheWaitTracker.queuedBy.set('10', ['webhook processor', 'webhook processor']);
		expect(failing(notByTheWaitTracker)).toEqual([TIMEOUT]);
		const resumedByItsEnd = flawless();
		resumedByItsEnd.posts[2] = { ...resumedByItsEnd.posts[2], outcome: 'ended' };
		expect(failing(resumedByItsEnd)).toEqual([TIMEOUT]);
	});
});
