import type { AgentConfiguration } from '../../nodes/shared/contract/types';
import type { HttpHandler, MockResponse, RecordedRequest } from '../helpers/mockContext';

export const configuration: AgentConfiguration = {
	id: 4,
	public: 'boddy_rahsaan_Agent_4',
	name: 'Order follow-up',
	status: 'active',
	channels: [
		{ id: 3, name: 'Voice' },
		{ id: 2, name: 'WhatsApp' },
	],
	values: ['company_name', 'order_id'],
	extraction: ['customer_name'],
};

/** Answers like Velents: configuration, dispatch (the conversation) and batch (the batch, numbered). */
export function velentsLike(
	overrides: Partial<Record<'configuration' | 'dispatch' | 'batch', HttpHandler>> = {},
): HttpHandler {
	let batchId = 100;
	let conversationId = 1;
	return async (request: RecordedRequest): Promise<MockResponse> => {
		if (request.url === '/Integration/Agent' && request.method === 'GET') {
			return overrides.configuration
				? await overrides.configuration(request)
				: { body: { data: configuration } };
		}
		if (request.url === '/Integration/Agent/Dispatch') {
			if (overrides.dispatch) return await overrides.dispatch(request);
			const body = request.body as { phone: string; values: Record<string, unknown> };
			return {
				statusCode: 201,
				body: {
					data: {
						id: conversationId++,
						phone: body.phone,
						status: 'queued',
						values: body.values,
						created_at: '2026-06-07 10:00:00',
					},
				},
			};
		}
		if (request.url === '/Integration/Agent/Batch') {
			if (overrides.batch) return await overrides.batch(request);
			const body = request.body as { name: string; rows: unknown[] };
			return {
				statusCode: 201,
				body: {
					data: { id: ++batchId, name: body.name, rows_count: body.rows.length, status: 'queued' },
				},
			};
		}
		return { statusCode: 404, body: { message: 'Not found' } };
	};
}

export const unprocessable = (message = 'The given data was invalid.'): MockResponse => ({
	statusCode: 422,
	body: { message, errors: { rows: ['The rows field is invalid.'] } },
});

/** A customer per item (`phone`, `order_id`), with the variables the sandbox's agent declares. */
export const customerRowParameters = {
	channelId: 3,
	phone: '={{ $json.phone }}',
	variablesInput: 'json',
	variablesJson: '={{ JSON.stringify({ company_name: "acme", order_id: $json.order_id }) }}',
} as const;
