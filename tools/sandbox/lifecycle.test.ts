import { AGENT_PATHS, WEBHOOK_SECRET_HEADER } from '../../nodes/shared/contract';
import { callEventSchema, conversationEventSchema } from '../contract/schemas';
import { DEFAULT_AGENT_TOKEN, DEFAULT_WEBHOOK_SECRET, startSandbox } from './server';
import type { DeliveryRecord, Sandbox, SandboxInit } from './server';
import { call, fakeClock, startReceiver } from './testHelpers';
import type { Receiver } from './testHelpers';

const token = DEFAULT_AGENT_TOKEN;
const values = { company_name: 'acme', order_id: '1212' };
const T = '2025-11-13T23:24:50Z';
const agent = { id: 4, public: 'boddy_rahsaan_Agent_4' };
const conversation = { id: 1, phone: '+201145803442', values };
const greeting = { role: 'agent', message: 'مرحبا! أنا مساعد acme...', timestamp: T };
const dateMessage = {
	customer: 'the date is today nightly 10 clock',
	agent: 'ممتاز! تبي تحجز اليوم الساعة 10 بالليل...',
	timestamp: T,
};
const nameMessage = { customer: 'my name is shady', agent: 'حياك يا Shady! ...', timestamp: T };
const bookMessage = {
	customer: 'yes, book it for 10 pm please',
	agent: 'تم! حجزت لك اليوم الساعة 10 بالليل يا Shady.',
	timestamp: T,
};
const lines = (message: { customer: string; agent: string }) => [
	{ role: 'customer', message: message.customer, timestamp: T },
	{ role: 'agent', message: message.agent, timestamp: T },
];
const EVENTS_PER_CONVERSATION = 7;

function rows(count: number) {
	return Array.from({ length: count }, (_, index) => ({
		phone: `+2011${String(index).padStart(8, '0')}`,
		values: { company_name: `company-${index}`, order_id: String(index) },
	}));
}

describe('sandbox lifecycle playing', () => {
	let sandbox: Sandbox;
	let receiver: Receiver;

	async function start(options: SandboxInit = {}): Promise<void> {
		sandbox = await startSandbox({ now: fakeClock().now, rateLimit: { limit: 1000 }, ...options });
	}
	const dispatch = (extra: Record<string, unknown> = {}, channel_id = 2) =>
		call(sandbox.url, 'POST', AGENT_PATHS.dispatch, {
			token,
			json: {
				channel_id,
				phone: '+201145803442',
				values,
				webhook: { link: receiver.url },
				...extra,
			},
		});

	beforeEach(async () => {
		receiver = await startReceiver();
	});
	afterEach(async () => {
		await sandbox.close();
		await receiver.close();
	});

	describe('a dispatched conversation', () => {
		beforeEach(() => start());

		it('posts onStarted, then onMessage per exchange with onUpdate after each extracting one, then onEnded', async () => {
			await dispatch();
			await sandbox.waitForDeliveries(EVENTS_PER_CONVERSATION);
			expect(receiver.received.map((event) => (event.body.event as { type: string }).type)).toEqual(
				['onStarted', 'onMessage', 'onMessage', 'onUpdate', 'onMessage', 'onUpdate', 'onEnded'],
			);
		});

		it('shapes onStarted exactly as the reference: created_at, and extraction []', async () => {
			await dispatch();
			await sandbox.waitForDeliveries(EVENTS_PER_CONVERSATION);
			expect(receiver.received[0].body).toEqual({
				event: { type: 'onStarted', about: 'conversation' },
				agent,
				conversation: { ...conversation, created_at: '2025-11-13 23:24:50' },
				result: { extraction: [] },
			});
		});

		it('shapes onMessage exactly as the reference: the exchange, and what was extracted before it', async () => {
			await dispatch();
			await sandbox.waitForDeliveries(EVENTS_PER_CONVERSATION);
			expect(receiver.received[1].body).toEqual({
				event: { type: 'onMessage', about: 'conversation' },
				agent,
				conversation,
				result: { extraction: [], message: dateMessage },
			});
			expect(receiver.received[4].body).toEqual({
				event: { type: 'onMessage', about: 'conversation' },
				agent,
				conversation,
				result: { extraction: { customer_name: 'shady' }, message: bookMessage },
			});
		});

		it('shapes onUpdate exactly as the reference: cumulative extraction, the message and the history so far', async () => {
			await dispatch();
			await sandbox.waitForDeliveries(EVENTS_PER_CONVERSATION);
			expect(receiver.received[3].body).toEqual({
				event: { type: 'onUpdate', about: 'conversation' },
				agent,
				conversation,
				result: {
					extraction: { customer_name: 'shady' },
					message: nameMessage,
					history: [greeting, ...lines(dateMessage), ...lines(nameMessage)],
				},
			});
			expect((receiver.received[5].body.result as { extraction: unknown }).extraction).toEqual({
				customer_name: 'shady',
				booking_time: 'today 22:00',
			});
		});

		it('shapes onEnded exactly as the reference: final extraction and the whole history, no message', async () => {
			await dispatch();
			await sandbox.waitForDeliveries(EVENTS_PER_CONVERSATION);
			expect(receiver.received[6].body).toEqual({
				event: { type: 'onEnded', about: 'conversation' },
				agent,
				conversation,
				result: {
					extraction: { customer_name: 'shady', booking_time: 'today 22:00' },
					history: [greeting, ...lines(dateMessage), ...lines(nameMessage), ...lines(bookMessage)],
				},
			});
		});

		it('posts only events that pass the contract’s conversation event schema', async () => {
			await dispatch();
			await sandbox.waitForDeliveries(EVENTS_PER_CONVERSATION);
			for (const event of receiver.received)
				expect(conversationEventSchema.safeParse(event.body).success).toBe(true);
		});

		it('sends JSON with the secret header and the request’s webhook.headers', async () => {
			await dispatch({
				webhook: {
					link: receiver.url,
					headers: { 'X-Workflow': 'wf-1', Authorization: 'Bearer mine' },
				},
			});
			await sandbox.waitForDeliveries(EVENTS_PER_CONVERSATION);
			for (const event of receiver.received) {
				expect(event.headers).toMatchObject({
					'content-type': 'application/json',
					[WEBHOOK_SECRET_HEADER]: DEFAULT_WEBHOOK_SECRET,
					'x-workflow': 'wf-1',
					authorization: 'Bearer mine',
				});
			}
		});

		it('sends no secret header when no secret is configured', async () => {
			sandbox.configure({ webhookSecret: null });
			await dispatch();
			await sandbox.waitForDeliveries(EVENTS_PER_CONVERSATION);
			expect(receiver.received.every((event) => !(WEBHOOK_SECRET_HEADER in event.headers))).toBe(
				true,
			);
		});

		it('merges webhook.body fields into every event body, never over the platform’s own fields', async () => {
			await dispatch({ webhook: { link: receiver.url, body: { crm_id: 'C-9', event: 'hijack' } } });
			await sandbox.waitForDeliveries(EVENTS_PER_CONVERSATION);
			for (const event of receiver.received) {
				expect(event.body.crm_id).toBe('C-9');
				expect(event.body.event).toMatchObject({ about: 'conversation' });
			}
		});

		it('keeps Arabic intact as raw UTF-8 bytes on the wire', async () => {
			await dispatch();
			await sandbox.waitForDeliveries(EVENTS_PER_CONVERSATION);
			expect(receiver.received[1].raw.includes(Buffer.from('ممتاز! تبي تحجز', 'utf8'))).toBe(true);
		});

		it('renders {{value}} placeholders of the script from the conversation’s values', async () => {
			await dispatch({ values: { company_name: 'شركة النور', order_id: '7' } });
			await sandbox.waitForDeliveries(EVENTS_PER_CONVERSATION);
			const ended = receiver.received[6].body.result as { history: Array<{ message: string }> };
			expect(ended.history[0].message).toBe('مرحبا! أنا مساعد شركة النور...');
		});

		it('records every delivery with conversation, event, url, headers, body, status and timing', async () => {
			await dispatch();
			const deliveries = await sandbox.waitForDeliveries(EVENTS_PER_CONVERSATION);
			expect(deliveries[0]).toEqual({
				id: 1,
				conversation_id: 1,
				batch_id: null,
				event_type: 'onStarted',
				sequence: 0,
				duplicate: false,
				url: receiver.url,
				headers: {
					'content-type': 'application/json',
					[WEBHOOK_SECRET_HEADER]: DEFAULT_WEBHOOK_SECRET,
				},
				body: receiver.received[0].body,
				status: 200,
				error: null,
				response_body: 'ok',
				started_at: T,
				started_ms: expect.any(Number),
				duration_ms: expect.any(Number),
			});
		});

		it('follows a script changed through the inspection API', async () => {
			const script = {
				greeting: 'Hi',
				exchanges: [{ customer: 'c', agent: 'a', extract: { vip: true } }],
			};
			const res = await call(sandbox.url, 'PUT', '/__sandbox/config', { json: { script } });
			expect(res.status).toBe(200);
			await dispatch();
			await sandbox.waitForIdle();
			expect(receiver.received.map((event) => (event.body.event as { type: string }).type)).toEqual(
				['onStarted', 'onMessage', 'onUpdate', 'onEnded'],
			);
			expect((receiver.received[3].body.result as { extraction: unknown }).extraction).toEqual({
				vip: true,
			});
		});
	});

	describe('receivers that fail', () => {
		beforeEach(() => start());

		it('records the receiver’s error status and still plays the rest of the conversation', async () => {
			await receiver.close();
			receiver = await startReceiver(() => 500);
			await dispatch();
			const deliveries = await sandbox.waitForDeliveries(EVENTS_PER_CONVERSATION);
			expect(deliveries.map((delivery) => delivery.status)).toEqual(
				new Array(EVENTS_PER_CONVERSATION).fill(500),
			);
		});

		it('records a network error when nothing listens at the link', async () => {
			const link = receiver.url;
			await receiver.close();
			receiver = await startReceiver();
			await call(sandbox.url, 'POST', AGENT_PATHS.dispatch, {
				token,
				json: { channel_id: 2, phone: '+201145803442', values, webhook: { link } },
			});
			const [first] = await sandbox.waitForDeliveries(1);
			expect(first.status).toBeNull();
			expect(first.error).toMatch(/ECONNREFUSED/);
		});
	});

	describe('voice calls', () => {
		it('post one ondone call event in the seen call shape when voiceEventShape is call', async () => {
			await start({ voiceEventShape: 'call' });
			await dispatch({}, 3);
			await sandbox.waitForIdle();
			expect(receiver.received).toHaveLength(1);
			const body = receiver.received[0].body;
			expect(callEventSchema.safeParse(body).success).toBe(true);
			expect(body).toEqual({
				event: { type: 'ondone', about: 'call' },
				agent,
				call: {
					id: 1,
					channel_id: 3,
					phone: '+201145803442',
					values,
					created_at: '2025-11-13 23:24:50',
				},
				result: {
					recording: true,
					call_recording_url: `${sandbox.url}/__sandbox/recordings/1.mp3`,
					history: [
						{ role: 'agent', content: 'مرحبا! أنا مساعد acme...', timeAdded: T },
						{ role: 'customer', content: dateMessage.customer, timeAdded: T },
						{ role: 'agent', content: dateMessage.agent, timeAdded: T },
						{ role: 'customer', content: nameMessage.customer, timeAdded: T },
						{ role: 'agent', content: nameMessage.agent, timeAdded: T },
						{ role: 'customer', content: bookMessage.customer, timeAdded: T },
						{ role: 'agent', content: bookMessage.agent, timeAdded: T },
					],
					goals: { customer_name: 'shady', booking_time: 'today 22:00' },
				},
			});
		});

		it('serve the call recording the event links to', async () => {
			await start({ voiceEventShape: 'call' });
			await dispatch({}, 3);
			await sandbox.waitForIdle();
			const url = (receiver.received[0].body.result as { call_recording_url: string })
				.call_recording_url;
			const res = await call(url, 'GET', url);
			expect(res.status).toBe(200);
			expect(res.headers['content-type']).toBe('audio/mpeg');
		});

		it('post onfailed without transcript when the script’s call fails', async () => {
			await start({ voiceEventShape: 'call' });
			sandbox.configure({ script: { ...sandbox.config.script, callOutcome: 'failed' } });
			await dispatch({}, 3);
			await sandbox.waitForIdle();
			expect(receiver.received[0].body).toMatchObject({
				event: { type: 'onfailed', about: 'call' },
				result: { recording: false, call_recording_url: null, history: [], goals: [] },
			});
		});

		it('post the conversation events for voice by default', async () => {
			await start();
			await dispatch({}, 3);
			await sandbox.waitForDeliveries(EVENTS_PER_CONVERSATION);
			expect(receiver.received[0].body.event).toEqual({ type: 'onStarted', about: 'conversation' });
		});

		it('post conversation events for WhatsApp even when voiceEventShape is call', async () => {
			await start({ voiceEventShape: 'call' });
			await dispatch({}, 2);
			await sandbox.waitForDeliveries(EVENTS_PER_CONVERSATION);
			expect(receiver.received).toHaveLength(EVENTS_PER_CONVERSATION);
		});
	});

	describe('batches', () => {
		it('play one lifecycle per row, each with its own row’s phone and values, each in order', async () => {
			await start();
			const sent = rows(20);
			await call(sandbox.url, 'POST', AGENT_PATHS.batch, {
				token,
				json: { channel_id: 2, name: 'b', rows: sent, webhook: { link: receiver.url } },
			});
			const deliveries = await sandbox.waitForDeliveries(20 * EVENTS_PER_CONVERSATION);
			const byConversation = new Map<number, DeliveryRecord[]>();
			for (const delivery of deliveries)
				byConversation.set(delivery.conversation_id, [
					...(byConversation.get(delivery.conversation_id) ?? []),
					delivery,
				]);
			expect(byConversation.size).toBe(20);
			const [batch] = sandbox.batches();
			batch.rows.forEach((row, index) => {
				const events = byConversation.get(row.conversation_id) ?? [];
				expect(events.map((delivery) => delivery.sequence)).toEqual([0, 1, 2, 3, 4, 5, 6]);
				const about = events[0].body.conversation as { phone: string; values: unknown };
				expect(about).toMatchObject({ phone: sent[index].phone, values: sent[index].values });
				expect(events.every((delivery) => delivery.batch_id === batch.id)).toBe(true);
			});
		});

		it('deliver at most deliveryConcurrency conversations at the same time', async () => {
			await start({ deliveryConcurrency: 2, eventDelayMs: 2 });
			await call(sandbox.url, 'POST', AGENT_PATHS.batch, {
				token,
				json: { channel_id: 2, name: 'b', rows: rows(6), webhook: { link: receiver.url } },
			});
			const deliveries = await sandbox.waitForDeliveries(6 * EVENTS_PER_CONVERSATION);
			let open = 0;
			let peak = 0;
			for (const delivery of deliveries) {
				if (delivery.event_type === 'onStarted') peak = Math.max(peak, ++open);
				if (delivery.event_type === 'onEnded') open--;
			}
			expect(peak).toBe(2);
		});
	});

	describe('timing', () => {
		it('waits eventDelayMs divided by the time scale before each event', async () => {
			// 1,000 sandbox ms at scale 25 = 40 real ms between events.
			await start({ eventDelayMs: 1000, timeScale: 25 });
			await dispatch();
			const deliveries = await sandbox.waitForDeliveries(EVENTS_PER_CONVERSATION);
			const gaps = deliveries
				.slice(1)
				.map((delivery, index) => delivery.started_ms - deliveries[index].started_ms);
			for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(35);
			expect(deliveries[6].started_ms - deliveries[0].started_ms).toBeLessThan(1000);
		});

		it('stops a playing lifecycle on reset', async () => {
			await start({ eventDelayMs: 50 });
			await dispatch();
			await sandbox.waitForDeliveries(1);
			sandbox.reset();
			await new Promise((resolve) => setTimeout(resolve, 200));
			expect(sandbox.deliveries()).toHaveLength(0);
			expect(receiver.received.length).toBeLessThan(EVENTS_PER_CONVERSATION);
		});
	});

	describe('redelivery', () => {
		const duplicated = (deliveries: DeliveryRecord[]) =>
			deliveries
				.filter((delivery) => delivery.duplicate)
				.map((delivery) => `${delivery.conversation_id}/${delivery.sequence}`);

		it('posts every event twice, back to back and identical, at ratio 1', async () => {
			await start({ redeliverRatio: 1 });
			await dispatch();
			await sandbox.waitForDeliveries(2 * EVENTS_PER_CONVERSATION);
			await sandbox.waitForIdle();
			expect(receiver.received).toHaveLength(2 * EVENTS_PER_CONVERSATION);
			for (let index = 0; index < receiver.received.length; index += 2) {
				expect(receiver.received[index + 1].raw.equals(receiver.received[index].raw)).toBe(true);
			}
		});

		it('posts nothing twice at ratio 0', async () => {
			await start({ redeliverRatio: 0 });
			await dispatch();
			await sandbox.waitForIdle();
			expect(duplicated(sandbox.deliveries())).toEqual([]);
		});

		it('duplicates about that fraction of events, the same ones for the same seed', async () => {
			const run = async (): Promise<string[]> => {
				await start({ redeliverRatio: 0.3, redeliverSeed: 42 });
				await call(sandbox.url, 'POST', AGENT_PATHS.batch, {
					token,
					json: { channel_id: 2, name: 'b', rows: rows(40), webhook: { link: receiver.url } },
				});
				await sandbox.waitForDeliveries(
					(all) =>
						all.filter((delivery) => !delivery.duplicate).length === 40 * EVENTS_PER_CONVERSATION,
				);
				await sandbox.waitForIdle();
				const result = duplicated(sandbox.deliveries()).sort();
				await sandbox.close();
				return result;
			};
			const first = await run();
			const second = await run();
			const fraction = first.length / (40 * EVENTS_PER_CONVERSATION);
			expect(fraction).toBeGreaterThan(0.22);
			expect(fraction).toBeLessThan(0.38);
			expect(second).toEqual(first);
		});
	});
});
