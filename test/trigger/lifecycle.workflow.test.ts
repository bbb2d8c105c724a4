/**
 * The Velents Agent Trigger inside n8n's real engine (n8n-core), built from dist/, fed by the sandbox:
 * a Dispatch with `webhook.link` pointing at the trigger makes the sandbox POST a whole conversation
 * (onStarted → onMessage… → onUpdate → onEnded) to a local receiver, which runs the trigger's
 * webhook() in n8n-core's WebhookContext and, when it starts an execution, the rest of the workflow.
 *
 * The workflow: Velents Agent Trigger → Velents Support "Create Ticket" (a ticket per finished
 * conversation, with what the agent extracted).
 */
import type { IDataObject, INode } from 'n8n-workflow';

import {
	DEFAULT_AGENT_TOKEN,
	DEFAULT_SUPPORT_TOKEN,
	DEFAULT_WEBHOOK_SECRET,
	startSandbox,
	type DeliveryRecord,
	type Sandbox,
} from '../../tools/sandbox/server';
import type { WorkflowJson } from '../../tools/harness';
import { startWebhookReceiver, type WebhookReceiver } from '../../tools/harness/webhook';
import { PACKAGE_DIR } from '../../tools/harness/workflows';

const TRIGGER = 'Velents Agent Trigger';
const FOLLOW_UP = 'Open Ticket';
const CONVERSATION_LIFECYCLE = [
	'onStarted',
	'onMessage',
	'onMessage',
	'onUpdate',
	'onMessage',
	'onUpdate',
	'onEnded',
];

let sandbox: Sandbox;
let receiver: WebhookReceiver | undefined;

beforeAll(async () => {
	sandbox = await startSandbox();
});
afterAll(async () => await sandbox.close());
beforeEach(() => sandbox.reset());
afterEach(async () => {
	await receiver?.close();
	receiver = undefined;
});

/** Velents Agent Trigger → Create Ticket, the ticket built from the trigger's normalised item. */
function ticketOnEvents(
	triggerParameters: IDataObject,
	agentCredentialId = 'agent-1',
): WorkflowJson {
	const trigger: INode = {
		id: 'trigger',
		name: TRIGGER,
		type: 'n8n-nodes-velents.velentsAgentTrigger',
		typeVersion: 1,
		position: [0, 0],
		webhookId: 'velents-lifecycle',
		parameters: {
			onlyThisAgent: true,
			requiredExtractionFields: '',
			options: {},
			...triggerParameters,
		},
		credentials: { velentsAgentApi: { id: agentCredentialId, name: 'Velents agent 4' } },
	};
	const ticket: INode = {
		id: 'ticket',
		name: FOLLOW_UP,
		type: 'n8n-nodes-velents.velentsSupport',
		typeVersion: 1,
		position: [220, 0],
		parameters: {
			resource: 'ticket',
			operation: 'create',
			subject:
				'={{ $json.event }}: {{ $json.extraction.customer_name }} at {{ $json.extraction.booking_time }}',
			additionalFields: { customerPhone: '={{ $json.conversation.phone }}' },
		},
		credentials: { velentsSupportApi: { id: 'support-1', name: 'Velents support' } },
	};
	return {
		nodes: [trigger, ticket],
		connections: { [TRIGGER]: { main: [[{ node: FOLLOW_UP, type: 'main', index: 0 }]] } },
	};
}

function credentials(
	webhookSecret: string = DEFAULT_WEBHOOK_SECRET,
	agentToken: string = DEFAULT_AGENT_TOKEN,
) {
	return {
		velentsAgentApi: {
			token: agentToken,
			baseUrl: sandbox.url,
			rateLimitWindowSeconds: 60,
			webhookSecret,
		},
		velentsSupportApi: {
			token: DEFAULT_SUPPORT_TOKEN,
			baseUrl: sandbox.url,
			rateLimitWindowSeconds: 60,
		},
	};
}

async function activeReceiver(
	workflow: WorkflowJson,
	creds = credentials(),
): Promise<WebhookReceiver> {
	receiver = await startWebhookReceiver({
		workflow,
		nodePackageDir: PACKAGE_DIR,
		credentials: creds,
	});
	await receiver.activate();
	return receiver;
}

/** A Dispatch as any client sends it: plain fetch, the agent token, the trigger's URL as webhook.link. */
async function dispatch(link: string, channelId = 2): Promise<void> {
	const response = await fetch(`${sandbox.url}/Integration/Agent/Dispatch`, {
		method: 'POST',
		headers: { Authorization: `Bearer ${DEFAULT_AGENT_TOKEN}`, 'Content-Type': 'application/json' },
		body: JSON.stringify({
			channel_id: channelId,
			phone: '+201145803442',
			values: { company_name: 'acme', order_id: '1212' },
			webhook: { link, body: { crm_lead_id: 'L-1' } },
		}),
	});
	expect(response.status).toBe(201);
	await sandbox.waitForIdle(10_000);
}

const answers = (deliveries: readonly DeliveryRecord[]) =>
	deliveries.map((delivery) => [
		delivery.event_type,
		delivery.status,
		JSON.parse(delivery.response_body ?? 'null'),
	]);

describe('a whole conversation delivered by the sandbox', () => {
	test('activation checks the agent token and remembers agent 4', async () => {
		const active = await activeReceiver(ticketOnEvents({ events: ['onEnded'] }));

		expect(active.staticData()).toEqual({ agentId: '4', agentPublic: 'boddy_rahsaan_Agent_4' });
		const [configurationRead] = sandbox.requests({ method: 'GET', path: '/Integration/Agent' });
		expect(configurationRead.headers.authorization).toBe(`Bearer ${DEFAULT_AGENT_TOKEN}`);
		expect(configurationRead.status).toBe(200);
	});

	test('activation during a Velents outage (503 to every configuration read) still registers the trigger, and the conversation runs', async () => {
		sandbox.injectFault({ method: 'GET', path: '/Integration/Agent', status: 503, count: 10 });
		const active = await activeReceiver(ticketOnEvents({ events: ['onEnded'] }));

		expect(active.staticData()).toEqual({});
		expect(sandbox.requests({ method: 'GET', path: '/Integration/Agent' }).length).toBeGreaterThan(
			0,
		);
		sandbox.clearFaults();
		await dispatch(active.url);

		expect(await active.settled()).toEqual([expect.objectContaining({ status: 'success' })]);
		expect(sandbox.tickets()).toHaveLength(1);
	});

	test('with "Conversation Ended" selected, every event is answered 200 and the follow-up runs on onEnded only', async () => {
		const active = await activeReceiver(ticketOnEvents({ events: ['onEnded'] }));

		await dispatch(active.url);

		const ignored = { received: true, ignored: 'event not selected' };
		expect(answers(sandbox.deliveries())).toEqual(
			CONVERSATION_LIFECYCLE.map((type) => [
				type,
				200,
				type === 'onEnded' ? { received: true } : ignored,
			]),
		);
		const runs = await active.settled();
		expect(runs).toHaveLength(1);
		const [run] = runs;
		expect(run.error).toBeUndefined();
		expect(run.executedNodes).toEqual([TRIGGER, FOLLOW_UP]);
		expect(run.outputOf(TRIGGER)).toHaveLength(1);
		expect(run.outputOf(TRIGGER)[0].json).toMatchObject({
			event: 'onEnded',
			about: 'conversation',
			agent: { id: 4, public: 'boddy_rahsaan_Agent_4' },
			conversation: { phone: '+201145803442', values: { company_name: 'acme', order_id: '1212' } },
			extraction: { customer_name: 'shady', booking_time: 'today 22:00' },
			history: expect.arrayContaining([
				{ role: 'agent', message: 'مرحبا! أنا مساعد acme...', timestamp: expect.any(String) },
			]),
			custom: { crm_lead_id: 'L-1' },
		});
		expect(sandbox.tickets()).toEqual([
			expect.objectContaining({
				subject: 'onEnded: shady at today 22:00',
				customer: expect.objectContaining({ phone: '+201145803442' }),
			}),
		]);
	});

	test('with "Any Event" and every event delivered twice, each event runs the workflow once', async () => {
		sandbox.configure({ redeliverRatio: 1 });
		const active = await activeReceiver(ticketOnEvents({ events: ['*'] }));

		await dispatch(active.url);

		const deliveries = sandbox.deliveries();
		expect(deliveries).toHaveLength(CONVERSATION_LIFECYCLE.length * 2);
		expect(deliveries.every((delivery) => delivery.status === 200)).toBe(true);
		expect(
			deliveries
				.filter((delivery) => !delivery.duplicate)
				.map((delivery) => JSON.parse(delivery.response_body ?? '')),
		).toEqual(CONVERSATION_LIFECYCLE.map(() => ({ received: true })));
		expect(
			deliveries
				.filter((delivery) => delivery.duplicate)
				.map((delivery) => JSON.parse(delivery.response_body ?? '')),
		).toEqual(CONVERSATION_LIFECYCLE.map(() => ({ received: true, ignored: 'duplicate' })));
		const runs = await active.settled();
		expect(runs.map((run) => run.outputOf(TRIGGER)[0].json.event)).toEqual(CONVERSATION_LIFECYCLE);
		expect(runs.every((run) => run.status === 'success')).toBe(true);
		expect(sandbox.tickets()).toHaveLength(CONVERSATION_LIFECYCLE.length);
	});

	test('"Required Extraction Fields" lets only the onUpdate and onEnded that have both fields through', async () => {
		const active = await activeReceiver(
			ticketOnEvents({
				events: ['onUpdate', 'onEnded'],
				requiredExtractionFields: 'customer_name, booking_time',
			}),
		);

		await dispatch(active.url);

		expect(sandbox.deliveries().every((delivery) => delivery.status === 200)).toBe(true);
		const runs = await active.settled();
		expect(runs.map((run) => run.outputOf(TRIGGER)[0].json.event)).toEqual(['onUpdate', 'onEnded']);
		expect(sandbox.tickets().map((ticket) => ticket.subject)).toEqual([
			'onUpdate: shady at today 22:00',
			'onEnded: shady at today 22:00',
		]);
	});

	test('a voice call (call shape) fires "Any Call Event" once, its goals as extraction', async () => {
		sandbox.configure({ voiceEventShape: 'call' });
		const active = await activeReceiver(ticketOnEvents({ events: ['call:*'] }));

		await dispatch(active.url, 3);

		expect(answers(sandbox.deliveries())).toEqual([['ondone', 200, { received: true }]]);
		const [run] = await active.settled();
		expect(run.outputOf(TRIGGER)[0].json).toMatchObject({
			event: 'ondone',
			about: 'call',
			conversation: { channel_id: 3, phone: '+201145803442' },
			extraction: { customer_name: 'shady', booking_time: 'today 22:00' },
			recording: true,
			recordingUrl: expect.stringContaining('/__sandbox/recordings/'),
			custom: { crm_lead_id: 'L-1' },
		});
		expect(sandbox.tickets().map((ticket) => ticket.subject)).toEqual([
			'ondone: shady at today 22:00',
		]);
	});
});

describe('refusals', () => {
	test('events without the credential’s secret are answered 401 and start nothing', async () => {
		// A credential of its own: the trigger trusts a secret it verified for up to 5 s, so the
		// credential of the other tests, with the sandbox's secret, would still pass here.
		const active = await activeReceiver(
			ticketOnEvents({ events: ['*'] }, 'agent-with-another-secret'),
			credentials('another-secret'),
		);

		await dispatch(active.url);

		expect(sandbox.deliveries().map((delivery) => delivery.status)).toEqual(
			CONVERSATION_LIFECYCLE.map(() => 401),
		);
		expect(await active.settled()).toEqual([]);
		expect(sandbox.tickets()).toEqual([]);
	});

	test('a wrong agent token fails the activation with a clear message', async () => {
		receiver = await startWebhookReceiver({
			workflow: ticketOnEvents({ events: ['*'] }),
			nodePackageDir: PACKAGE_DIR,
			credentials: credentials(DEFAULT_WEBHOOK_SECRET, 'not-a-token'),
		});

		await expect(receiver.activate()).rejects.toThrow(
			'Velents rejected the token of the "Velents Agent API" credential (401)',
		);
		expect(receiver.staticData()).toEqual({});
	});

	test('a body that is not a Velents event is answered 400', async () => {
		const active = await activeReceiver(ticketOnEvents({ events: ['*'] }));
		const post = async (body: string, contentType: string) =>
			await fetch(active.url, {
				method: 'POST',
				headers: { 'content-type': contentType, 'x-velents-authorization': DEFAULT_WEBHOOK_SECRET },
				body,
			});

		const notAnEvent = await post('{"hello": "world"}', 'application/json');
		const notJson = await post('hello', 'text/plain');
		const malformedJson = await post('{"event":', 'application/json');

		expect([notAnEvent.status, await notAnEvent.json()]).toEqual([
			400,
			{ message: 'The request body has no event.type: it is not a Velents event.' },
		]);
		expect(notJson.status).toBe(400);
		expect(malformedJson.status).toBe(422); // n8n itself refuses malformed JSON before the node runs
		expect(await active.settled()).toEqual([]);
	});
});
