/**
 * Dispatch and Wait inside n8n-core's real engine, against the sandbox: the node dispatches with
 * the execution's resume URL as the webhook link and parks the execution; the sandbox plays the
 * conversation to that URL, served by the harness as n8n serves waiting webhooks (token, 409 when
 * not waiting, path suffix); the execution goes on to Create Ticket with what the agent extracted.
 *
 * The workflow: Start → Velents Agent "Dispatch and Wait" → Velents Support "Create Ticket".
 */
import type { IDataObject } from 'n8n-workflow';

import { AGENT_PATHS } from '../../nodes/shared/contract';
import {
	DEFAULT_WEBHOOK_SECRET,
	startSandbox,
	type DeliveryRecord,
	type Sandbox,
} from '../../tools/sandbox/server';
import {
	startWaitingWebhookServer,
	type WaitingExecution,
	type WaitingWebhookServer,
} from '../../tools/harness/waiting-webhooks';
import { sandboxCredentialData } from '../../tools/n8n/examples';
import type { CredentialsByType } from '../../tools/harness';
import { PACKAGE_DIR, items, linearWorkflow, type Step } from '../../tools/harness/workflows';

const WAIT = 'Call and Wait';
const FOLLOW_UP = 'Open Ticket';
const EVENT_DELAY_MS = 150;

let sandbox: Sandbox;
let server: WaitingWebhookServer;

beforeAll(async () => {
	sandbox = await startSandbox();
	server = await startWaitingWebhookServer();
});
afterAll(async () => {
	await server.close();
	await sandbox.close();
});
beforeEach(() => {
	sandbox.reset();
	// The first event comes after the execution is parked (see "an event before the wait" below).
	sandbox.configure({ eventDelayMs: EVENT_DELAY_MS });
});

function workflow(waitParameters: IDataObject, onError: Step['onError']) {
	return linearWorkflow(
		{
			name: WAIT,
			onError,
			type: 'n8n-nodes-velents.velentsAgent',
			parameters: {
				operation: 'dispatchAndWait',
				channelId: 2,
				phone: '={{ $json.phone }}',
				variablesInput: 'json',
				variablesJson: '={{ JSON.stringify({ company_name: "acme", order_id: $json.order }) }}',
				webhook: { body: '{"order": "1212"}' },
				...waitParameters,
			},
		},
		{
			name: FOLLOW_UP,
			type: 'n8n-nodes-velents.velentsSupport',
			parameters: {
				resource: 'ticket',
				operation: 'create',
				subject: '={{ $json.outcome }}: {{ $json.extraction.customer_name ?? "nobody" }}',
				additionalFields: { customerPhone: '={{ $json.conversation.phone }}' },
			},
		},
	);
}

/** Both credentials pointing at the sandbox (their fields are texts and numbers). */
const credentials = (webhookSecret?: string) =>
	sandboxCredentialData({ sandboxUrl: sandbox.url, webhookSecret }) as CredentialsByType;

const ORDER = { phone: '+201145803442', order: '1212' };

async function start(
	waitParameters: IDataObject = {},
	{
		input = items(ORDER),
		creds = credentials(),
		onError,
	}: {
		input?: ReturnType<typeof items>;
		creds?: CredentialsByType;
		onError?: Step['onError'];
	} = {},
): Promise<WaitingExecution> {
	return await server.start({
		workflow: workflow(waitParameters, onError),
		nodePackageDir: PACKAGE_DIR,
		credentials: creds,
		triggerItems: input,
	});
}

/** The one item the wait node continued with (its last run: the first one is the parked one). */
function resumedItem(execution: WaitingExecution): IDataObject {
	const { runData } = execution.result.run.data.resultData;
	const runs = runData[WAIT] ?? [];
	const output = execution.result.outputOf(WAIT, 0, runs.length - 1);
	expect(output).toHaveLength(1);
	return output[0].json;
}

const answers = (deliveries: readonly DeliveryRecord[]) =>
	deliveries.map((delivery) => [
		delivery.event_type,
		delivery.status,
		JSON.parse(delivery.response_body ?? 'null'),
	]);

/** The link the node gave Velents: the resume URL with the node's id as suffix. */
function dispatchedLink(): string {
	const [dispatch] = sandbox.dispatches();
	return dispatch.conversation.webhook?.link ?? '';
}

describe('Dispatch and Wait: one conversation, the execution parked until it ends', () => {
	test('parks after the dispatch, with the resume URL (its signature kept) and the node id as suffix', async () => {
		const execution = await start({ limitType: 'noLimit' });

		expect(execution.status).toBe('waiting');
		expect(execution.result.run.waitTill?.getFullYear()).toBe(3000);
		const link = new URL(dispatchedLink());
		expect(`${link.origin}${link.pathname}`).toBe(`${server.baseUrl}/${execution.id}/step-0`);
		expect(link.searchParams.get('signature')).toBe(execution.result.run.data.resumeToken);
		const [dispatch] = sandbox.dispatches();
		expect(dispatch.conversation).toMatchObject({
			channel_id: 2,
			phone: '+201145803442',
			values: { company_name: 'acme', order_id: '1212' },
			webhook: {
				headers: { 'x-velents-n8n-secret': DEFAULT_WEBHOOK_SECRET },
				body: { order: '1212' },
			},
		});
		await sandbox.waitForIdle(10_000);
		await execution.settled();
	});

	test('intermediate events are answered 200 and do not resume; onEnded resumes once, with the extraction', async () => {
		const execution = await start();
		await sandbox.waitForIdle(10_000);
		const finished = await execution.settled();

		const waiting = { received: true, resumed: false };
		expect(answers(sandbox.deliveries())).toEqual([
			['onStarted', 200, waiting],
			['onMessage', 200, waiting],
			['onMessage', 200, waiting],
			['onUpdate', 200, waiting],
			['onMessage', 200, waiting],
			['onUpdate', 200, waiting],
			['onEnded', 200, { received: true, resumed: true }],
		]);
		expect(execution.resumes).toBe(1);
		expect(finished.status).toBe('success');
		// The resumed run: the wait node passes the event on, then the follow-up runs.
		expect(finished.executedNodes).toEqual([WAIT, FOLLOW_UP]);
		expect(resumedItem(execution)).toMatchObject({
			outcome: 'ended',
			event: 'onEnded',
			about: 'conversation',
			agent: { id: 4, public: 'boddy_rahsaan_Agent_4' },
			conversation: { phone: '+201145803442', values: { company_name: 'acme', order_id: '1212' } },
			extraction: { customer_name: 'shady', booking_time: 'today 22:00' },
			history: expect.arrayContaining([expect.objectContaining({ role: 'agent' })]),
			custom: { order: '1212' },
		});
		expect(sandbox.tickets()).toEqual([expect.objectContaining({ subject: 'ended: shady' })]);
	});

	test('a redelivered onEnded finds the execution no longer waiting: 409, resumed exactly once', async () => {
		sandbox.configure({ redeliverRatio: 1 });
		const execution = await start();
		await sandbox.waitForIdle(10_000);
		await execution.settled();

		const ends = sandbox.deliveries().filter((delivery) => delivery.event_type === 'onEnded');
		expect(ends.map((delivery) => delivery.status)).toEqual([200, 409]);
		expect(execution.resumes).toBe(1);
		expect(sandbox.tickets()).toHaveLength(1);
	});

	test('an event without the credential’s webhook secret is answered 401 and does not resume', async () => {
		sandbox.configure({ eventDelayMs: 60_000 });
		const execution = await start({}, { creds: credentials('the-n8n-secret') });
		const event = { event: { type: 'onEnded', about: 'conversation' }, result: {} };
		const post = async (url: string, headers: Record<string, string> = {}) =>
			await fetch(url, {
				method: 'POST',
				headers: { 'content-type': 'application/json', ...headers },
				body: JSON.stringify(event),
			});

		const noSecret = await post(dispatchedLink());
		const wrongSecret = await post(dispatchedLink(), { 'x-velents-n8n-secret': 'guess' });
		const wrongSignature = await post(dispatchedLink().replace(/signature=[^&]+/, 'signature=x'));
		const otherNode = await post(dispatchedLink().replace('/step-0?', '/another-node?'), {
			'x-velents-n8n-secret': 'the-n8n-secret',
		});

		expect([noSecret.status, wrongSecret.status]).toEqual([401, 401]);
		expect(await noSecret.json()).toEqual({
			message: expect.stringContaining('webhook secret is missing or wrong'),
		});
		expect(wrongSignature.status).toBe(401);
		expect(otherNode.status).toBe(404);
		expect(execution.status).toBe('waiting');
		expect(execution.resumes).toBe(0);

		const right = await post(dispatchedLink(), { 'x-velents-n8n-secret': 'the-n8n-secret' });
		expect(right.status).toBe(200);
		await execution.settled();
		expect(resumedItem(execution)).toMatchObject({ outcome: 'ended', event: 'onEnded' });
		sandbox.reset();
	});

	test.each([
		['done', 'call_done'],
		['failed', 'call_failed'],
		['no_response', 'no_answer'],
	] as const)('a voice call that ends %s resumes with outcome %s', async (callOutcome, outcome) => {
		sandbox.configure({
			voiceEventShape: 'call',
			script: { ...sandbox.config.script, callOutcome },
		});
		const execution = await start({ channelId: 3 });
		await sandbox.waitForIdle(10_000);
		await execution.settled();

		expect(resumedItem(execution)).toMatchObject({
			outcome,
			event: `on${callOutcome}`,
			about: 'call',
			conversation: { phone: '+201145803442', channel_id: 3 },
			recordingUrl: callOutcome === 'done' ? expect.stringContaining('.mp3') : null,
		});
		expect(execution.result.status).toBe('success');
	});

	test('an end event not in Resume On is answered 200 and the execution keeps waiting', async () => {
		const execution = await start({ resumeOn: ['call_done'] });
		await sandbox.waitForIdle(10_000);

		expect(sandbox.deliveries().every((delivery) => delivery.status === 200)).toBe(true);
		expect(execution.status).toBe('waiting');
		expect(execution.resumes).toBe(0);
		await execution.expire();
	});
});

describe('Dispatch and Wait: the wait limit', () => {
	test('after the limit the execution goes on with outcome timed_out and the dispatched conversation', async () => {
		sandbox.configure({ eventDelayMs: 60_000 });
		const execution = await start({
			limitType: 'afterTimeInterval',
			limitAmount: 2,
			limitUnit: 'hours',
		});
		const waitTill = execution.result.run.waitTill?.getTime() ?? 0;
		expect(waitTill - Date.now()).toBeGreaterThan(2 * 3_600_000 - 60_000);
		expect(waitTill - Date.now()).toBeLessThanOrEqual(2 * 3_600_000);

		const finished = await execution.expire();

		expect(finished.status).toBe('success');
		const [dispatched] = sandbox.dispatches();
		expect(resumedItem(execution)).toEqual({
			outcome: 'timed_out',
			event: null,
			about: 'conversation',
			agent: null,
			conversation: expect.objectContaining({
				id: dispatched.conversation.id,
				phone: '+201145803442',
				values: { company_name: 'acme', order_id: '1212' },
			}),
			extraction: {},
			receivedAt: null,
			custom: {},
		});
		expect(sandbox.tickets()).toEqual([expect.objectContaining({ subject: 'timed_out: nobody' })]);
		sandbox.reset();
	});

	test('an event after the limit finds the execution finished: 409', async () => {
		const execution = await start({
			limitType: 'atSpecifiedTime',
			limitDate: '2999-01-01T00:00:00Z',
		});
		expect(execution.result.run.waitTill?.toISOString()).toBe('2999-01-01T00:00:00.000Z');
		await execution.expire();
		await sandbox.waitForIdle(10_000);

		expect(sandbox.deliveries().map((delivery) => delivery.status)).toEqual(Array(7).fill(409));
		expect(resumedItem(execution)).toMatchObject({ outcome: 'timed_out' });
	});

	test('a limit in the past fails before anything is sent', async () => {
		const execution = await start({
			limitType: 'atSpecifiedTime',
			limitDate: '2001-01-01T00:00:00Z',
		});

		expect(execution.status).toBe('error');
		expect(execution.result.error?.message).toContain('Limit Wait Time');
		expect(sandbox.dispatches()).toHaveLength(0);
	});
});

describe('Dispatch and Wait: one conversation per execution', () => {
	test('several input items fail before any dispatch, pointing to Execute Sub-workflow', async () => {
		const execution = await start({}, { input: items(ORDER, { ...ORDER, order: '1213' }) });

		expect(execution.status).toBe('error');
		expect(execution.result.error?.message).toBe(
			'Dispatch and Wait handles one conversation per execution, and it received 2 items',
		);
		expect(execution.result.error?.description).toContain('Execute Sub-workflow');
		expect(sandbox.dispatches()).toHaveLength(0);
	});

	test('a bad phone fails the item naming the field, before any dispatch and without waiting', async () => {
		const execution = await start({}, { input: items({ ...ORDER, phone: 'call me' }) });

		expect(execution.status).toBe('error');
		expect(execution.result.error?.message).toContain('Phone');
		expect(sandbox.dispatches()).toHaveLength(0);
	});
});

describe('Dispatch and Wait: a dispatch Velents refuses', () => {
	// A channel the agent does not have: the sandbox refuses the dispatch with 422, as Velents does.
	const refused = { channelId: 99 };
	const REFUSAL =
		'Velents rejected the data to dispatch a conversation (422): channel_id: The selected channel id is invalid.';

	test('with Continue On Fail: one error item keeping Velents’ explanation, paired with the input; no wait', async () => {
		const execution = await start(refused, { onError: 'continueRegularOutput' });

		expect(execution.status).toBe('success');
		expect(execution.result.run.waitTill).toBeUndefined();
		expect(execution.resumes).toBe(0);
		expect(execution.result.outputOf(WAIT)).toEqual([
			{
				json: { error: REFUSAL, message: 'Velents says: "The given data was invalid."' },
				pairedItem: { item: 0 },
			},
		]);
		// The error item goes on to the next node at once, as n8n's Continue On Fail does.
		expect(execution.result.executedNodes).toEqual(['Start', WAIT, FOLLOW_UP]);
		expect(sandbox.requests({ method: 'POST', path: AGENT_PATHS.dispatch })).toHaveLength(1);
		expect(sandbox.dispatches()).toHaveLength(0);
	});

	test('without it: the execution fails on item 0 with the field Velents named; no wait', async () => {
		const execution = await start(refused);

		expect(execution.status).toBe('error');
		expect(execution.result.run.waitTill).toBeUndefined();
		expect(execution.result.errorNode).toBe(WAIT);
		expect(execution.result.error?.message).toBe(REFUSAL);
		expect(execution.result.error?.context?.itemIndex).toBe(0);
		expect(execution.result.error?.description).toBe('Velents says: "The given data was invalid."');
		expect(execution.result.executedNodes).toEqual(['Start', WAIT]);
		expect(sandbox.requests({ method: 'POST', path: AGENT_PATHS.dispatch })).toHaveLength(1);
		expect(sandbox.dispatches()).toHaveLength(0);
	});
});
