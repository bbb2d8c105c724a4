/**
 * The trigger's webhook(), request by request: what starts the workflow, what is answered and
 * ignored, and what is refused. Every answer is written by the node itself (noWebhookResponse), once.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { FORWARDED_VERIFICATION_HEADER } from '../../nodes/shared/webhookSecret';
import type { WebhookCall } from './context';
import { deliver, jsonRequest, newWorkflowId } from './context';
import type { ReferenceEventName } from '../../tools/contract/reference';
import {
	REFERENCE_EVENT_TEXT,
	callBusyEvent,
	callDoneEvent,
	callFailedEvent,
	referenceEvent,
} from '../../tools/contract/reference';

/** The static data activation leaves behind for agent 4. */
const activatedForAgent4 = (): IDataObject => ({
	agentId: '4',
	agentPublic: 'boddy_rahsaan_Agent_4',
});

function startedItems(call: WebhookCall): INodeExecutionData[] {
	expect(call.result.workflowData).toBeDefined();
	return call.result.workflowData?.[0] ?? [];
}

function expectAccepted(call: WebhookCall): IDataObject {
	expect(call.response).toEqual({
		statusCode: 200,
		headers: { 'Content-Type': 'application/json; charset=utf-8' },
		body: { received: true },
		writes: 1,
	});
	// Written by n8n, once it holds the execution: the trigger hands it the answer.
	expect(call.result.noWebhookResponse).toBeUndefined();
	expect(call.result.webhookResponse).toEqual({ received: true });
	const items = startedItems(call);
	expect(items).toHaveLength(1);
	return items[0].json;
}

function expectNoExecution(call: WebhookCall, statusCode: number, body: IDataObject): void {
	expect(call.result).toEqual({ noWebhookResponse: true });
	expect(call.response.statusCode).toBe(statusCode);
	expect(call.response.body).toEqual(body);
	expect(call.response.writes).toBe(1);
}

describe('every event of the reference starts the workflow with one normalised item', () => {
	test.each(Object.keys(REFERENCE_EVENT_TEXT) as ReferenceEventName[])('%s', async (name) => {
		const call = await deliver(jsonRequest(referenceEvent(name)), {
			staticData: activatedForAgent4(),
		});
		const item = expectAccepted(call);
		expect(item).toMatchObject({
			event: name,
			about: 'conversation',
			agent: { id: 4, public: 'boddy_rahsaan_Agent_4' },
			conversation: {
				id: 4,
				phone: '+201145803442',
				values: { company_name: 'acme', order_id: '1212' },
			},
			custom: {},
		});
		expect(typeof item.extraction).toBe('object');
		expect(Array.isArray(item.extraction)).toBe(false);
		expect(new Date(item.receivedAt as string).toISOString()).toBe(item.receivedAt);
	});

	test('Arabic text arrives intact from the raw UTF-8 bytes', async () => {
		const text = REFERENCE_EVENT_TEXT.onUpdate;
		const call = await deliver({
			rawBody: Buffer.from(text, 'utf8'),
			headers: { 'content-type': 'application/octet-stream' },
		});
		expect(expectAccepted(call)).toMatchObject({
			message: { agent: 'حياك يا Shady! ...' },
			history: [{ role: 'agent', message: 'مرحبا! أنا مساعد acme...' }],
		});
	});

	test('Include Raw Payload adds the event as received', async () => {
		const event = { ...referenceEvent('onEnded'), crm_lead_id: 'L-77' };
		const call = await deliver(jsonRequest(event), {
			parameters: { options: { includeRawPayload: true } },
		});
		const item = expectAccepted(call);
		expect(item.raw).toEqual(event);
		expect(item.custom).toEqual({ crm_lead_id: 'L-77' });
	});
});

describe('voice-call events (the call shape)', () => {
	test('ondone starts the workflow with the call as conversation and goals as extraction', async () => {
		const call = await deliver(jsonRequest(callDoneEvent()), {
			parameters: { events: ['ondone'] },
			staticData: activatedForAgent4(),
		});
		expect(expectAccepted(call)).toMatchObject({
			event: 'ondone',
			about: 'call',
			conversation: { id: 77, channel_id: 3 },
			extraction: { customer_name: 'shady', booking_time: '22:00' },
			recordingUrl: 'https://recordings.velents.example/calls/77.mp3',
			history: [
				{
					role: 'agent',
					message: 'مرحبا! أنا مساعد acme...',
					timestamp: '2025-11-13T23:30:05Z',
				},
				{},
			],
		});
	});

	test('"Any Call Event" catches a call status with no option of its own, not conversation events', async () => {
		const parameters = { events: ['call:*'] };
		expectAccepted(await deliver(jsonRequest(callBusyEvent()), { parameters }));
		expectAccepted(await deliver(jsonRequest(callFailedEvent()), { parameters }));
		expectNoExecution(await deliver(jsonRequest(referenceEvent('onEnded')), { parameters }), 200, {
			received: true,
			ignored: 'event not selected',
		});
	});

	test('a call event without an agent is accepted even with "Only This Agent’s Events" on', async () => {
		const call = await deliver(jsonRequest(callFailedEvent()), {
			parameters: { events: ['onfailed'], onlyThisAgent: true },
			staticData: activatedForAgent4(),
		});
		expect(expectAccepted(call)).toMatchObject({ event: 'onfailed', agent: null });
	});
});

describe('Events filter', () => {
	test.each([
		[['onEnded'], 'onEnded', true],
		[['onEnded'], 'onMessage', false],
		[['onStarted', 'onUpdate'], 'onUpdate', true],
		[['onStarted', 'onUpdate'], 'onEnded', false],
		[['*'], 'onMessage', true],
		[['ondone'], 'onEnded', false],
	])('selected %j, %s arrives → starts: %s', async (events, name, starts) => {
		const call = await deliver(jsonRequest(referenceEvent(name as ReferenceEventName)), {
			parameters: { events },
		});
		if (starts) expectAccepted(call);
		else expectNoExecution(call, 200, { received: true, ignored: 'event not selected' });
	});

	test('with no event selected nothing starts', async () => {
		const call = await deliver(jsonRequest(referenceEvent('onEnded')), {
			parameters: { events: [] },
		});
		expectNoExecution(call, 200, { received: true, ignored: 'event not selected' });
	});
});

describe('"Only This Agent’s Events" filter', () => {
	const otherAgentsEvent = () => ({
		...referenceEvent('onEnded'),
		agent: { id: 9, public: 'other_Agent_9' },
	});

	test('on (the default): another agent’s event is answered 200 and ignored', async () => {
		const call = await deliver(jsonRequest(otherAgentsEvent()), {
			staticData: activatedForAgent4(),
		});
		expectNoExecution(call, 200, { received: true, ignored: 'event of another agent' });
	});

	test('on: the activated agent’s own event starts the workflow', async () => {
		expectAccepted(
			await deliver(jsonRequest(referenceEvent('onEnded')), { staticData: activatedForAgent4() }),
		);
	});

	test('on: the same id with another public name counts as another agent', async () => {
		const event = {
			...referenceEvent('onEnded'),
			agent: { id: 4, public: 'someone_else_Agent_4' },
		};
		const call = await deliver(jsonRequest(event), { staticData: activatedForAgent4() });
		expectNoExecution(call, 200, { received: true, ignored: 'event of another agent' });
	});

	test('off: every agent’s events start the workflow', async () => {
		const call = await deliver(jsonRequest(otherAgentsEvent()), {
			parameters: { onlyThisAgent: false },
			staticData: activatedForAgent4(),
		});
		expect(expectAccepted(call).agent).toEqual({ id: 9, public: 'other_Agent_9' });
	});

	test('on, but no identity remembered (activation read none): events are accepted', async () => {
		expectAccepted(await deliver(jsonRequest(otherAgentsEvent()), { staticData: {} }));
	});
});

describe('"Required Extraction Fields" filter', () => {
	const parameters = { requiredExtractionFields: 'customer_name, booking_time' };
	const withExtraction = (name: 'onUpdate' | 'onEnded', extraction: IDataObject) => {
		const event = referenceEvent(name);
		event.result.extraction = extraction;
		return event;
	};

	test('onEnded with every field filled starts the workflow', async () => {
		const event = withExtraction('onEnded', { customer_name: 'shady', booking_time: '22:00' });
		expectAccepted(await deliver(jsonRequest(event), { parameters }));
	});

	test('onEnded with a field missing is ignored, naming the missing field', async () => {
		const call = await deliver(jsonRequest(referenceEvent('onEnded')), { parameters });
		expectNoExecution(call, 200, {
			received: true,
			ignored: 'required extraction fields missing',
			missing: ['booking_time'],
		});
	});

	test('onUpdate with a field empty is ignored', async () => {
		const event = withExtraction('onUpdate', { customer_name: 'shady', booking_time: '' });
		const call = await deliver(jsonRequest(event), { parameters });
		expectNoExecution(call, 200, {
			received: true,
			ignored: 'required extraction fields missing',
			missing: ['booking_time'],
		});
	});

	test('onStarted and onMessage are not affected (they carry no extraction yet)', async () => {
		expectAccepted(await deliver(jsonRequest(referenceEvent('onStarted')), { parameters }));
		expectAccepted(await deliver(jsonRequest(referenceEvent('onMessage')), { parameters }));
	});

	test('call ondone is judged by its goals', async () => {
		expectAccepted(await deliver(jsonRequest(callDoneEvent()), { parameters }));
		const incomplete = callDoneEvent();
		incomplete.result.goals = { customer_name: 'shady' };
		expectNoExecution(await deliver(jsonRequest(incomplete), { parameters }), 200, {
			received: true,
			ignored: 'required extraction fields missing',
			missing: ['booking_time'],
		});
	});

	test('other call events are not affected', async () => {
		expectAccepted(await deliver(jsonRequest(callFailedEvent()), { parameters }));
	});
});

describe('webhook secret', () => {
	const withSecret = { credentials: { webhookSecret: 'velents-s3cret' } };

	test('no secret configured: an event without any secret header is accepted', async () => {
		expectAccepted(await deliver(jsonRequest(referenceEvent('onEnded'))));
	});

	test('the right secret in x-velents-authorization is accepted', async () => {
		const request = jsonRequest(referenceEvent('onEnded'), {
			'x-velents-authorization': 'velents-s3cret',
		});
		expectAccepted(await deliver(request, withSecret));
	});

	test('the right secret in the header the Velents Agent node forwards is accepted', async () => {
		const request = jsonRequest(referenceEvent('onEnded'), {
			[FORWARDED_VERIFICATION_HEADER]: 'velents-s3cret',
		});
		expectAccepted(await deliver(request, withSecret));
	});

	test.each([
		['missing', {}],
		['wrong', { 'x-velents-authorization': 'guess' }],
		['in another header', { authorization: 'velents-s3cret' }],
	])('%s: 401 and no execution', async (_case, headers) => {
		const call = await deliver(jsonRequest(referenceEvent('onEnded'), headers), withSecret);
		expectNoExecution(call, 401, {
			message:
				'The webhook secret is missing or wrong: the event must carry the Webhook Secret of the trigger’s Velents Agent API credential.',
		});
	});

	test('the secret is checked before the body: an unauthorised malformed body gets 401, not 400', async () => {
		const call = await deliver({ body: 'not json' }, withSecret);
		expect(call.response.statusCode).toBe(401);
	});
});

describe('malformed bodies: 400 and no execution', () => {
	test.each([
		['no body', {}, 'The request has no body: a Velents event is a JSON object.'],
		[
			'text that is not JSON',
			{ body: 'hello' },
			'The request body is not JSON: a Velents event is a JSON object.',
		],
		[
			'raw bytes that are not JSON',
			{ rawBody: Buffer.from('<event/>') },
			'The request body is not JSON: a Velents event is a JSON object.',
		],
		[
			'a JSON array',
			{ body: '[1, 2]' },
			'The request body is not a JSON object: a Velents event is a JSON object.',
		],
		[
			'an object without event.type',
			{ body: { conversation: { id: 4 } } },
			'The request body has no event.type: it is not a Velents event.',
		],
	])('%s', async (_case, request, message) => {
		expectNoExecution(await deliver(request), 400, { message });
	});
});

describe('repeated deliveries', () => {
	test('the same event twice starts one execution; the repeat is answered 200 duplicate', async () => {
		const workflowId = newWorkflowId();
		expectAccepted(await deliver(jsonRequest(referenceEvent('onMessage')), { workflowId }));
		expectNoExecution(
			await deliver(jsonRequest(referenceEvent('onMessage')), { workflowId }),
			200,
			{
				received: true,
				ignored: 'duplicate',
			},
		);
	});

	test('a delivery n8n could not take (it answered an error) is forgotten: its redelivery starts the workflow', async () => {
		const workflowId = newWorkflowId();
		const failed = await deliver(jsonRequest(referenceEvent('onEnded')), {
			workflowId,
			n8nAnswers: 500,
		});
		expect(failed.response.statusCode).toBe(500);
		expectAccepted(await deliver(jsonRequest(referenceEvent('onEnded')), { workflowId }));
		expectNoExecution(await deliver(jsonRequest(referenceEvent('onEnded')), { workflowId }), 200, {
			received: true,
			ignored: 'duplicate',
		});
	});

	test('the same bytes are the same event, whatever content type n8n parsed them under', async () => {
		const workflowId = newWorkflowId();
		const bytes = Buffer.from(REFERENCE_EVENT_TEXT.onUpdate, 'utf8');
		expectAccepted(
			await deliver({ body: referenceEvent('onUpdate'), rawBody: bytes }, { workflowId }),
		);
		const call = await deliver({ rawBody: bytes }, { workflowId });
		expectNoExecution(call, 200, { received: true, ignored: 'duplicate' });
	});

	test('only a byte-identical body is a repeat: the same event re-serialised starts the workflow again', async () => {
		const workflowId = newWorkflowId();
		expectAccepted(
			await deliver(
				{ rawBody: Buffer.from(REFERENCE_EVENT_TEXT.onUpdate, 'utf8') },
				{ workflowId },
			),
		);
		expectAccepted(await deliver(jsonRequest(referenceEvent('onUpdate')), { workflowId }));
	});

	test('the next message of the same conversation is a new event', async () => {
		const workflowId = newWorkflowId();
		const next = referenceEvent('onMessage');
		next.result.message = { customer: 'yes', agent: 'تم', timestamp: '2025-11-13T23:26:30Z' };
		expectAccepted(await deliver(jsonRequest(referenceEvent('onMessage')), { workflowId }));
		expectAccepted(await deliver(jsonRequest(next), { workflowId }));
	});

	test('the same event in two workflows starts both', async () => {
		expectAccepted(
			await deliver(jsonRequest(referenceEvent('onEnded')), { workflowId: newWorkflowId() }),
		);
		expectAccepted(
			await deliver(jsonRequest(referenceEvent('onEnded')), { workflowId: newWorkflowId() }),
		);
	});

	test('an ignored event is not remembered: once selected, its repeat starts the workflow', async () => {
		const workflowId = newWorkflowId();
		await deliver(jsonRequest(referenceEvent('onEnded')), {
			workflowId,
			parameters: { events: ['onStarted'] },
		});
		expectAccepted(await deliver(jsonRequest(referenceEvent('onEnded')), { workflowId }));
	});

	test('the Test URL (manual mode) fires every time, so a sample can be sent again', async () => {
		const workflowId = newWorkflowId();
		expectAccepted(
			await deliver(jsonRequest(referenceEvent('onEnded')), { workflowId, mode: 'manual' }),
		);
		expectAccepted(
			await deliver(jsonRequest(referenceEvent('onEnded')), { workflowId, mode: 'manual' }),
		);
	});

	test('concurrent identical deliveries start exactly one execution', async () => {
		const workflowId = newWorkflowId();
		const calls = await Promise.all(
			Array.from(
				{ length: 5 },
				async () => await deliver(jsonRequest(referenceEvent('onEnded')), { workflowId }),
			),
		);
		expect(calls.filter((call) => call.result.workflowData !== undefined)).toHaveLength(1);
		expect(calls.map((call) => call.response.statusCode)).toEqual([200, 200, 200, 200, 200]);
	});
});
