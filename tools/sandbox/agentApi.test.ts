import { AGENT_PATHS } from '../../nodes/shared/contract';
import {
	agentConfigurationSchema,
	batchSchema,
	conversationSchema,
	envelopeSchema,
	validationErrorSchema,
} from '../contract/schemas';
import type { Batch, Conversation } from '../../nodes/shared/contract/types';
import { DEFAULT_AGENT_TOKEN, DEFAULT_SUPPORT_TOKEN, startSandbox } from './server';
import type { Sandbox } from './server';
import { call } from './testHelpers';

interface ErrorsBody {
	message: string;
	errors: Record<string, string[]>;
}

const token = DEFAULT_AGENT_TOKEN;
const dispatchBody = {
	channel_id: 2,
	phone: '+201145803442',
	values: { company_name: 'acme', order_id: '1212' },
};

function rows(
	count: number,
): Array<{ phone: string; values: { company_name: string; order_id: string } }> {
	return Array.from({ length: count }, (_, index) => ({
		phone: `+2011${String(index).padStart(8, '0')}`,
		values: { company_name: 'acme', order_id: `order-${index}` },
	}));
}

describe('sandbox Agent.sa API', () => {
	let sandbox: Sandbox;
	beforeAll(async () => {
		sandbox = await startSandbox({ rateLimit: { limit: 1000 } });
	});
	afterEach(() => sandbox.reset());
	afterAll(() => sandbox.close());

	describe('GET agent configuration', () => {
		it('returns the configuration of the token’s agent under data, matching the contract schema', async () => {
			const res = await call(sandbox.url, 'GET', AGENT_PATHS.configuration, { token });
			expect(res.status).toBe(200);
			const { data } = envelopeSchema(agentConfigurationSchema).parse(res.body);
			expect(data).toEqual({
				id: 4,
				public: 'boddy_rahsaan_Agent_4',
				name: 'Sandbox Booking Agent',
				status: 'active',
				channels: [
					{ id: 2, name: 'WhatsApp' },
					{ id: 3, name: 'Voice' },
				],
				values: ['company_name', 'order_id'],
				extraction: ['customer_name', 'booking_time'],
			});
		});

		it('answers 401 to a Support Center token', async () => {
			const res = await call<ErrorsBody>(sandbox.url, 'GET', AGENT_PATHS.configuration, {
				token: DEFAULT_SUPPORT_TOKEN,
			});
			expect(res.status).toBe(401);
			expect(res.body).toEqual({ message: 'Unauthenticated.' });
		});
	});

	describe('POST Dispatch', () => {
		it('creates a queued conversation and answers 201 with it under data', async () => {
			const res = await call<{ data: Conversation }>(sandbox.url, 'POST', AGENT_PATHS.dispatch, {
				token,
				json: dispatchBody,
			});
			expect(res.status).toBe(201);
			const { data } = envelopeSchema(conversationSchema).parse(res.body);
			expect(data).toEqual({
				id: 1,
				phone: '+201145803442',
				status: 'queued',
				values: { company_name: 'acme', order_id: '1212' },
				created_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/),
			});
		});

		it('records the dispatch for inspection, with its webhook', async () => {
			const webhook = { link: 'http://127.0.0.1:9/hook', headers: { 'x-test': '1' } };
			await call(sandbox.url, 'POST', AGENT_PATHS.dispatch, {
				token,
				json: { ...dispatchBody, webhook },
			});
			expect(sandbox.dispatches()).toHaveLength(1);
			expect(sandbox.dispatches()[0].conversation).toMatchObject({
				id: 1,
				phone: '+201145803442',
				channel_id: 2,
				webhook,
			});
		});

		it('answers 422 listing every invalid field with Laravel-style keys and messages', async () => {
			const res = await call<ErrorsBody>(sandbox.url, 'POST', AGENT_PATHS.dispatch, {
				token,
				json: {
					channel_id: 'two',
					phone: '01145803442',
					values: { nested: { no: 1 } },
					webhook: { link: 'not a url' },
				},
			});
			expect(res.status).toBe(422);
			expect(validationErrorSchema.safeParse(res.body).success).toBe(true);
			expect(res.body.message).toBe('The given data was invalid.');
			expect(res.body.errors).toEqual({
				channel_id: ['The channel id field must be a number.'],
				phone: ['The phone must be E.164, such as +201145803442.'],
				'values.nested': [
					'The values.nested field must be a string, a number, true or false or null.',
				],
				'webhook.link': ['The webhook.link field must be a valid URL.'],
			});
			expect(sandbox.dispatches()).toHaveLength(0);
		});

		it('lists each missing required field', async () => {
			const res = await call<ErrorsBody>(sandbox.url, 'POST', AGENT_PATHS.dispatch, {
				token,
				json: {},
			});
			expect(res.status).toBe(422);
			expect(res.body.errors).toEqual({
				channel_id: ['The channel id field is required.'],
				phone: ['The phone field is required.'],
				values: ['The values field is required.'],
			});
		});

		it('refuses a channel the agent does not have with 422 on channel_id', async () => {
			const res = await call<ErrorsBody>(sandbox.url, 'POST', AGENT_PATHS.dispatch, {
				token,
				json: { ...dispatchBody, channel_id: 7 },
			});
			expect(res.status).toBe(422);
			expect(res.body.errors).toEqual({ channel_id: ['The selected channel id is invalid.'] });
		});
	});

	describe('POST Batch', () => {
		it('answers 201 with the batch under data', async () => {
			const res = await call<{ data: Batch }>(sandbox.url, 'POST', AGENT_PATHS.batch, {
				token,
				json: { channel_id: 2, name: 'November reminders', rows: rows(3) },
			});
			expect(res.status).toBe(201);
			expect(envelopeSchema(batchSchema).parse(res.body).data).toEqual({
				id: 1,
				name: 'November reminders',
				rows_count: 3,
				status: 'queued',
			});
		});

		it('records every row of a 2,500-row batch in order, each phone paired with its own values', async () => {
			const sent = rows(2500);
			await call(sandbox.url, 'POST', AGENT_PATHS.batch, {
				token,
				json: { channel_id: 2, name: 'big', rows: sent },
			});
			const [recorded] = sandbox.batches();
			expect(recorded.rows_count).toBe(2500);
			expect(recorded.rows.map(({ phone, values }) => ({ phone, values }))).toEqual(sent);
			expect(new Set(recorded.rows.map((row) => row.conversation_id)).size).toBe(2500);
		});

		it('rejects rows whose values keys differ from row 0, in names or in order, naming each row', async () => {
			const bad = rows(5);
			bad[2] = {
				phone: bad[2].phone,
				values: { order_id: 'x', company_name: 'acme' },
			} as (typeof bad)[number];
			(bad[4] as { values: Record<string, string> }).values = { company_name: 'acme' };
			const res = await call<ErrorsBody>(sandbox.url, 'POST', AGENT_PATHS.batch, {
				token,
				json: { channel_id: 2, name: 'b', rows: bad },
			});
			expect(res.status).toBe(422);
			expect(Object.keys(res.body.errors)).toEqual(['rows.2.values', 'rows.4.values']);
			expect(res.body.errors['rows.2.values'][0]).toContain('same values keys, in the same order');
			expect(sandbox.batches()).toHaveLength(0);
		});

		it('names the failing row of an invalid phone with a dotted key', async () => {
			const bad = rows(4);
			bad[3].phone = '12345';
			const res = await call<ErrorsBody>(sandbox.url, 'POST', AGENT_PATHS.batch, {
				token,
				json: { channel_id: 2, name: 'b', rows: bad },
			});
			expect(res.status).toBe(422);
			expect(res.body.errors).toEqual({
				'rows.3.phone': ['The phone must be E.164, such as +201145803442.'],
			});
		});

		it('rejects an empty rows list with 422 rather than failing', async () => {
			const res = await call<ErrorsBody>(sandbox.url, 'POST', AGENT_PATHS.batch, {
				token,
				json: { channel_id: 2, name: 'b', rows: [] },
			});
			expect(res.status).toBe(422);
			expect(res.body.errors).toEqual({ rows: ['The rows field is required.'] });
		});

		it('accepts a 10,000-row batch quickly', async () => {
			const started = Date.now();
			const res = await call(sandbox.url, 'POST', AGENT_PATHS.batch, {
				token,
				json: { channel_id: 2, name: 'huge', rows: rows(10_000) },
			});
			expect(res.status).toBe(201);
			expect(sandbox.batches()[0].rows).toHaveLength(10_000);
			// Generous for a shared two-core machine; the work itself takes a few hundred ms at most.
			expect(Date.now() - started).toBeLessThan(3000);
		});
	});
});
