/**
 * The sandbox's options: their types, the defaults used by tests and the dev mode, and the zod
 * schema that `PUT /__sandbox/config` (and `sandbox.configure`) validates a change with.
 */
import { z } from 'zod';

import { KNOWN_CHANNELS, RATE_LIMIT, SUPPORT_ABILITIES } from '../../nodes/shared/contract';
import { agentConfigurationSchema, agentValuesSchema } from '../contract/schemas';
import type { AgentConfiguration, AgentValues } from '../../nodes/shared/contract/types';

export interface SupportTokenConfig {
	tenant_id: number;
	token_name: string;
	abilities: string[];
}

/** One scripted exchange: the customer says something, the agent answers, and maybe extracts fields. */
export interface ScriptExchange {
	customer: string;
	agent: string;
	extract?: AgentValues;
}

/** What every played conversation says. Texts may use `{{value_name}}` from the conversation's values. */
export interface ConversationScript {
	/** The agent's opening line: first in `history`. */
	greeting: string;
	exchanges: ScriptExchange[];
	/** How a voice call ends in the `call` event shape: `ondone`, `onfailed` or `onno_response`. */
	callOutcome: 'done' | 'failed' | 'no_response';
}

export type ErrorShape = 'message' | 'status';
export type VoiceEventShape = 'conversation' | 'call';

export interface RateLimitOptions {
	/** Requests allowed per token and window. */
	limit: number;
	/** Window length in sandbox seconds (divided by `timeScale` in real time). */
	windowSeconds: number;
}

export interface SandboxOptions {
	host: string;
	/** 0 picks a free port. */
	port: number;
	/** Agent.sa tokens: token → the configuration `GET /Integration/Agent` returns. */
	agents: Record<string, AgentConfiguration>;
	/** Support Center tokens: token → tenant, name and abilities. */
	supportTokens: Record<string, SupportTokenConfig>;
	rateLimit: RateLimitOptions;
	/** 60 makes a one-minute window last one real second; scales rate windows and event delays. */
	timeScale: number;
	/** Value of `x-velents-authorization` on event POSTs; null sends no such header. */
	webhookSecret: string | null;
	/** Pause before each lifecycle event, in sandbox milliseconds (divided by `timeScale`). */
	eventDelayMs: number;
	/** Body of a 422: `{message, errors}` [doc] or `{status: {message, check: false}, errors}` [assumed]. */
	errorShape: ErrorShape;
	script: ConversationScript;
	/** What a voice (channel 3) conversation posts: the four conversation events, or one `call` event. */
	voiceEventShape: VoiceEventShape;
	/** Fraction (0..1) of events POSTed twice; chosen by a seeded hash, so runs repeat exactly. */
	redeliverRatio: number;
	redeliverSeed: number;
	/** How many conversations deliver their events at the same time. */
	deliveryConcurrency: number;
	/** A webhook receiver that has not answered after this many real milliseconds counts as failed. */
	deliveryTimeoutMs: number;
	/** The agent's answer to every Support `Send` (`{{message}}` is the customer's text); false: no answer. */
	autoReply: string | false;
	/** Clock (epoch ms) for timestamps and rate-limit windows; tests may pass a fake one. */
	now: () => number;
}

/** What `startSandbox` accepts: any option, and any part of `rateLimit`. */
export type SandboxInit = Partial<Omit<SandboxOptions, 'rateLimit'>> & {
	rateLimit?: Partial<RateLimitOptions>;
};

export const DEFAULT_AGENT_TOKEN = 'sandbox-agent-token';
export const DEFAULT_SUPPORT_TOKEN = 'Sandbox_1_PersonalAccessToken_sandboxsupporttoken';
export const OTHER_TENANT_SUPPORT_TOKEN = 'Sandbox_2_PersonalAccessToken_othertenanttoken';
export const READ_ONLY_SUPPORT_TOKEN = 'Sandbox_1_PersonalAccessToken_readonlytoken';
export const DEFAULT_WEBHOOK_SECRET = 'sandbox-webhook-secret';
/** The CLI's port; `startSandbox` defaults to an ephemeral one. */
export const DEFAULT_CLI_PORT = 8787;

const ALL_ABILITIES: string[] = Object.values(SUPPORT_ABILITIES);

/** The reference's example conversation, plus a third exchange that extracts `booking_time`. */
export const DEFAULT_SCRIPT: ConversationScript = {
	greeting: 'مرحبا! أنا مساعد {{company_name}}...',
	exchanges: [
		{
			customer: 'the date is today nightly 10 clock',
			agent: 'ممتاز! تبي تحجز اليوم الساعة 10 بالليل...',
		},
		{
			customer: 'my name is shady',
			agent: 'حياك يا Shady! ...',
			extract: { customer_name: 'shady' },
		},
		{
			customer: 'yes, book it for 10 pm please',
			agent: 'تم! حجزت لك اليوم الساعة 10 بالليل يا Shady.',
			extract: { booking_time: 'today 22:00' },
		},
	],
	callOutcome: 'done',
};

export const DEFAULT_AUTO_REPLY = 'شكراً لتواصلك معنا! وصلتنا رسالتك: "{{message}}"';

export const DEFAULT_SANDBOX_OPTIONS: Readonly<SandboxOptions> = Object.freeze({
	host: '127.0.0.1',
	port: 0,
	agents: {
		[DEFAULT_AGENT_TOKEN]: {
			id: 4,
			public: 'boddy_rahsaan_Agent_4',
			name: 'Sandbox Booking Agent',
			status: 'active',
			channels: KNOWN_CHANNELS.map((channel) => ({ id: channel.id, name: channel.name })),
			values: ['company_name', 'order_id'],
			extraction: ['customer_name', 'booking_time'],
		},
	},
	supportTokens: {
		[DEFAULT_SUPPORT_TOKEN]: { tenant_id: 1, token_name: 'sandbox', abilities: ALL_ABILITIES },
		[OTHER_TENANT_SUPPORT_TOKEN]: {
			tenant_id: 2,
			token_name: 'other-tenant',
			abilities: ALL_ABILITIES,
		},
		[READ_ONLY_SUPPORT_TOKEN]: {
			tenant_id: 1,
			token_name: 'read-only',
			abilities: [SUPPORT_ABILITIES.readTicket, SUPPORT_ABILITIES.readHistory],
		},
	},
	rateLimit: { limit: 30, windowSeconds: RATE_LIMIT.windowSeconds },
	timeScale: 1,
	webhookSecret: DEFAULT_WEBHOOK_SECRET,
	eventDelayMs: 0,
	errorShape: 'message',
	script: DEFAULT_SCRIPT,
	voiceEventShape: 'conversation',
	redeliverRatio: 0,
	redeliverSeed: 1,
	deliveryConcurrency: 8,
	deliveryTimeoutMs: 10_000,
	autoReply: DEFAULT_AUTO_REPLY,
	now: Date.now,
});

/** Fresh, mutable options: the defaults overlaid with `init` (data copied, so runs never share state). */
export function resolveOptions(init: SandboxInit = {}): SandboxOptions {
	const { rateLimit, ...rest } = init;
	const merged: SandboxOptions = {
		...DEFAULT_SANDBOX_OPTIONS,
		...definedOnly(rest),
		rateLimit: { ...DEFAULT_SANDBOX_OPTIONS.rateLimit, ...definedOnly(rateLimit ?? {}) },
	};
	const options: SandboxOptions = {
		...merged,
		agents: structuredClone(merged.agents),
		supportTokens: structuredClone(merged.supportTokens),
		script: structuredClone(merged.script),
	};
	assertValidOptions(options);
	return options;
}

/** Everything `PUT /__sandbox/config` may change (the clock, host and port are fixed at start). */
export const configPatchSchema = z
	.object({
		agents: z.record(agentConfigurationSchema),
		supportTokens: z.record(
			z.object({
				tenant_id: z.number().int(),
				token_name: z.string(),
				abilities: z.array(z.string()),
			}),
		),
		rateLimit: z
			.object({ limit: z.number().int().min(1), windowSeconds: z.number().positive() })
			.partial()
			.strict(),
		timeScale: z.number().positive(),
		webhookSecret: z.string().min(1).nullable(),
		eventDelayMs: z.number().min(0),
		errorShape: z.enum(['message', 'status']),
		script: z
			.object({
				greeting: z.string(),
				exchanges: z.array(
					z
						.object({
							customer: z.string(),
							agent: z.string(),
							extract: agentValuesSchema.optional(),
						})
						.strict(),
				),
				callOutcome: z.enum(['done', 'failed', 'no_response']).default('done'),
			})
			.strict(),
		voiceEventShape: z.enum(['conversation', 'call']),
		redeliverRatio: z.number().min(0).max(1),
		redeliverSeed: z.number().int(),
		deliveryConcurrency: z.number().int().min(1),
		deliveryTimeoutMs: z.number().int().min(1),
		autoReply: z.union([z.string(), z.literal(false)]),
	})
	.partial()
	.strict();

export type SandboxConfigPatch = z.input<typeof configPatchSchema>;

/** Applies a validated patch to live options (rate-limit fields merge; everything else replaces). */
export function applyConfigPatch(options: SandboxOptions, patch: SandboxConfigPatch): void {
	const parsed = configPatchSchema.parse(patch);
	const { rateLimit, ...rest } = parsed;
	Object.assign(options, structuredClone(definedOnly(rest)));
	if (rateLimit) options.rateLimit = { ...options.rateLimit, ...definedOnly(rateLimit) };
}

/** `{key: undefined}` means "not given", never "set to undefined". */
function definedOnly<T extends object>(record: T): Partial<T> {
	return Object.fromEntries(
		Object.entries(record).filter(([, value]) => value !== undefined),
	) as Partial<T>;
}

/** Options with everything that cannot cross JSON (the clock) left out. */
export function serializableOptions(options: SandboxOptions): Omit<SandboxOptions, 'now'> {
	const { now: _now, ...rest } = options;
	return rest;
}

function assertValidOptions(options: SandboxOptions): void {
	const { host: _host, port: _port, now: _now, ...patchable } = options;
	const result = configPatchSchema.safeParse(patchable);
	if (!result.success) {
		const details = result.error.issues
			.map((issue) => `${issue.path.join('.')}: ${issue.message}`)
			.join('; ');
		throw new Error(`Invalid sandbox options: ${details}`);
	}
}
