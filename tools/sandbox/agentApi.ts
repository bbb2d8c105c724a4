/** Agent.sa endpoints: configuration, Dispatch and Batch. */
import type { z } from 'zod';

import { AGENT_PATHS } from '../../nodes/shared/contract';
import { batchRequestSchema, dispatchRequestSchema } from '../contract/schemas';
import type {
	AgentConfiguration,
	AgentValues,
	Batch,
	Conversation,
	WebhookOptions,
} from '../../nodes/shared/contract/types';
import type { AgentContext, ApiDeps, ApiRoute } from './apiRoute';
import type { ApiResult } from './http';
import type { LifecycleJob } from './lifecycle';
import type { AgentConversationRecord, BatchRecord, BatchRowRecord } from './state';
import { laravelTimestamp } from './time';
import { check, mergeErrors, validationError } from './validation';
import type { FieldErrors } from './validation';

export function agentRoutes(deps: ApiDeps): ApiRoute[] {
	return [
		{
			auth: 'agent',
			method: 'GET',
			path: AGENT_PATHS.configuration,
			handle: (ctx) => ({ status: 200, body: { data: ctx.agent } }),
		},
		{
			auth: 'agent',
			method: 'POST',
			path: AGENT_PATHS.dispatch,
			handle: (ctx) => dispatch(deps, ctx),
		},
		{ auth: 'agent', method: 'POST', path: AGENT_PATHS.batch, handle: (ctx) => batch(deps, ctx) },
	];
}

/** [assumed] The agent can only use the channels its configuration lists. */
function channelErrors(agent: AgentConfiguration, channelId: unknown): FieldErrors {
	if (typeof channelId !== 'number' || !Number.isInteger(channelId) || channelId <= 0) return {};
	return agent.channels.some((channel) => channel.id === channelId)
		? {}
		: { channel_id: ['The selected channel id is invalid.'] };
}

/** The body parsed with its schema and its channel checked against the agent; every field error in one 422. */
function validRequest<S extends z.ZodTypeAny>(
	deps: ApiDeps,
	ctx: AgentContext,
	schema: S,
): z.output<S> {
	const parsed = check(schema, ctx.body);
	const errors = mergeErrors(
		parsed.ok ? {} : parsed.errors,
		channelErrors(ctx.agent, ctx.body.channel_id),
	);
	if (!parsed.ok || Object.keys(errors).length > 0)
		throw validationError(errors, deps.config().errorShape);
	return parsed.data;
}

function dispatch(deps: ApiDeps, ctx: AgentContext): ApiResult {
	const input = validRequest(deps, ctx, dispatchRequestSchema);

	const state = deps.state();
	const conversation = newConversation(deps, ctx.agent, {
		channel_id: input.channel_id,
		phone: input.phone,
		values: input.values,
		webhook: input.webhook ?? null,
	});
	state.dispatches.push({ conversation, token: ctx.token, received_at: conversation.created_at });

	const data: Conversation = {
		id: conversation.id,
		phone: conversation.phone,
		status: conversation.status,
		values: conversation.values,
		created_at: conversation.created_at,
	};
	const webhook = input.webhook;
	return {
		status: 201,
		body: { data },
		afterResponse: webhook
			? () => deps.lifecycle.enqueue([{ conversation, webhook, agent: agentRef(ctx.agent) }])
			: undefined,
	};
}

function batch(deps: ApiDeps, ctx: AgentContext): ApiResult {
	const input = validRequest(deps, ctx, batchRequestSchema);

	const state = deps.state();
	const batchId = state.nextId('batch');
	const webhook = input.webhook ?? null;
	const rows: BatchRowRecord[] = new Array<BatchRowRecord>(input.rows.length);
	const jobs: LifecycleJob[] = [];
	const agent = agentRef(ctx.agent);
	// One pass, constant work per row: a 10,000-row batch answers in milliseconds.
	input.rows.forEach((row, index) => {
		const conversation = newConversation(deps, ctx.agent, {
			channel_id: input.channel_id,
			phone: row.phone,
			values: row.values,
			webhook,
			batch_id: batchId,
			row_index: index,
		});
		rows[index] = { phone: row.phone, values: row.values, conversation_id: conversation.id };
		if (webhook) jobs.push({ conversation, webhook, agent });
	});
	const record: BatchRecord = {
		id: batchId,
		name: input.name,
		rows_count: rows.length,
		status: 'queued',
		channel_id: input.channel_id,
		agent_id: ctx.agent.id,
		webhook,
		token: ctx.token,
		created_at: laravelTimestamp(deps.config().now()),
		rows,
	};
	state.batches.push(record);

	const data: Batch = {
		id: record.id,
		name: record.name,
		rows_count: record.rows_count,
		status: record.status,
	};
	return {
		status: 201,
		body: { data },
		afterResponse: jobs.length > 0 ? () => deps.lifecycle.enqueue(jobs) : undefined,
	};
}

interface NewConversation {
	channel_id: number;
	phone: string;
	values: AgentValues;
	webhook: WebhookOptions | null;
	batch_id?: number;
	row_index?: number;
}

function newConversation(
	deps: ApiDeps,
	agent: AgentConfiguration,
	input: NewConversation,
): AgentConversationRecord {
	const state = deps.state();
	const conversation: AgentConversationRecord = {
		id: state.nextId('agentConversation'),
		agent_id: agent.id,
		channel_id: input.channel_id,
		phone: input.phone,
		values: input.values,
		status: 'queued',
		created_at: laravelTimestamp(deps.config().now()),
		batch_id: input.batch_id ?? null,
		row_index: input.row_index ?? null,
		webhook: input.webhook,
	};
	state.agentConversations.set(conversation.id, conversation);
	return conversation;
}

function agentRef(agent: AgentConfiguration): LifecycleJob['agent'] {
	return { id: agent.id, public: agent.public };
}
