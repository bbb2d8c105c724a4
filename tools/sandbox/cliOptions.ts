/** The CLI's arguments → sandbox options, and the banner it prints (pure, so it is testable). */
import { parseArgs } from 'node:util';

import {
	DEFAULT_AGENT_TOKEN,
	DEFAULT_CLI_PORT,
	DEFAULT_SANDBOX_OPTIONS,
	DEFAULT_SUPPORT_TOKEN,
} from './options';
import type { SandboxInit, SandboxOptions } from './options';

export const CLI_USAGE = `Usage: npm run sandbox -- [options]

  --port <n>                 port to listen on (default ${DEFAULT_CLI_PORT}; 0 = any free port)
  --host <address>           address to bind (default ${DEFAULT_SANDBOX_OPTIONS.host})
  --agent-token <token>      the Agent.sa token (default ${DEFAULT_AGENT_TOKEN})
  --support-token <token>    the all-abilities Support Center token of tenant 1 (default ${DEFAULT_SUPPORT_TOKEN})
  --rate-limit <n>           requests per token and window (default ${DEFAULT_SANDBOX_OPTIONS.rateLimit.limit})
  --window <seconds>         rate-limit window length (default ${DEFAULT_SANDBOX_OPTIONS.rateLimit.windowSeconds})
  --time-scale <x>           60 makes a one-minute window last one second (default 1)
  --webhook-secret <secret>  x-velents-authorization on event POSTs (default ${DEFAULT_SANDBOX_OPTIONS.webhookSecret})
  --no-webhook-secret        send no x-velents-authorization header
  --event-delay <ms>         pause before each lifecycle event (default ${DEFAULT_SANDBOX_OPTIONS.eventDelayMs})
  --error-shape <shape>      422 body: message (documented) or status (assumed variant)
  --voice-event-shape <s>    voice conversations post: conversation (default) or call
  --redeliver-ratio <0..1>   fraction of events POSTed twice (default 0)
  --concurrency <n>          conversations delivering at once (default ${DEFAULT_SANDBOX_OPTIONS.deliveryConcurrency})
  --no-auto-reply            no agent reply after a Support Send
  --verbose                  also log every webhook delivery
  --help                     this text`;

export interface CliOptions {
	init: SandboxInit;
	verbose: boolean;
	help: boolean;
}

export function parseCliArgs(argv: string[]): CliOptions {
	const { values } = parseArgs({
		args: argv,
		strict: true,
		options: {
			port: { type: 'string' },
			host: { type: 'string' },
			'agent-token': { type: 'string' },
			'support-token': { type: 'string' },
			'rate-limit': { type: 'string' },
			window: { type: 'string' },
			'time-scale': { type: 'string' },
			'webhook-secret': { type: 'string' },
			'no-webhook-secret': { type: 'boolean' },
			'event-delay': { type: 'string' },
			'error-shape': { type: 'string' },
			'voice-event-shape': { type: 'string' },
			'redeliver-ratio': { type: 'string' },
			concurrency: { type: 'string' },
			'no-auto-reply': { type: 'boolean' },
			verbose: { type: 'boolean' },
			help: { type: 'boolean' },
		},
	});

	const init: SandboxInit = { port: number(values.port, 'port') ?? DEFAULT_CLI_PORT };
	if (values.host) init.host = values.host;
	if (values['agent-token'])
		init.agents = renameKey(
			DEFAULT_SANDBOX_OPTIONS.agents,
			DEFAULT_AGENT_TOKEN,
			values['agent-token'],
		);
	if (values['support-token']) {
		init.supportTokens = renameKey(
			DEFAULT_SANDBOX_OPTIONS.supportTokens,
			DEFAULT_SUPPORT_TOKEN,
			values['support-token'],
		);
	}
	const limit = number(values['rate-limit'], 'rate-limit');
	const windowSeconds = number(values.window, 'window');
	if (limit !== undefined || windowSeconds !== undefined) init.rateLimit = { limit, windowSeconds };
	init.timeScale = number(values['time-scale'], 'time-scale');
	if (values['webhook-secret']) init.webhookSecret = values['webhook-secret'];
	if (values['no-webhook-secret']) init.webhookSecret = null;
	init.eventDelayMs = number(values['event-delay'], 'event-delay');
	init.errorShape = oneOf(values['error-shape'], ['message', 'status'] as const, 'error-shape');
	init.voiceEventShape = oneOf(
		values['voice-event-shape'],
		['conversation', 'call'] as const,
		'voice-event-shape',
	);
	init.redeliverRatio = number(values['redeliver-ratio'], 'redeliver-ratio');
	init.deliveryConcurrency = number(values.concurrency, 'concurrency');
	if (values['no-auto-reply']) init.autoReply = false;

	return {
		init: withoutUndefined(init),
		verbose: values.verbose === true,
		help: values.help === true,
	};
}

/** What a developer needs to point n8n at the sandbox. */
export function banner(url: string, options: SandboxOptions): string {
	const lines = [`Velents sandbox listening on ${url}`, '', 'Agent.sa tokens:'];
	for (const [token, agent] of Object.entries(options.agents)) {
		lines.push(
			`  ${token}    agent ${agent.id} ${agent.public}, channels ${agent.channels.map((c) => `${c.id}=${c.name}`).join(', ')}`,
		);
	}
	lines.push('Support Center tokens:');
	for (const [token, tenant] of Object.entries(options.supportTokens)) {
		lines.push(
			`  ${token}    tenant ${tenant.tenant_id}, abilities: ${tenant.abilities.join(', ') || '(none)'}`,
		);
	}
	lines.push(
		'',
		`Webhook secret (x-velents-authorization): ${options.webhookSecret ?? '(none)'}`,
		`Rate limit: ${options.rateLimit.limit} requests per ${options.rateLimit.windowSeconds} s per token, time scale ${options.timeScale}`,
		`Event delay: ${options.eventDelayMs} ms; 422 shape: ${options.errorShape}; voice events: ${options.voiceEventShape}`,
		`Inspect: ${url}/__sandbox/requests, /tickets, /dispatches, /batches, /deliveries; PUT /__sandbox/config; POST /__sandbox/faults, /reset`,
	);
	return lines.join('\n');
}

function number(raw: string | undefined, name: string): number | undefined {
	if (raw === undefined) return undefined;
	const value = Number(raw);
	if (raw.trim() === '' || !Number.isFinite(value))
		throw new Error(`--${name} must be a number, got "${raw}".`);
	return value;
}

function oneOf<T extends string>(
	raw: string | undefined,
	allowed: readonly T[],
	name: string,
): T | undefined {
	if (raw === undefined) return undefined;
	const found = allowed.find((value) => value === raw);
	if (!found) throw new Error(`--${name} must be one of ${allowed.join(', ')}, got "${raw}".`);
	return found;
}

function renameKey<V>(record: Record<string, V>, from: string, to: string): Record<string, V> {
	return Object.fromEntries(
		Object.entries(record).map(([key, value]) => [key === from ? to : key, value]),
	);
}

/** Only the options actually given, so that the printed and tested options stay readable. */
function withoutUndefined(init: SandboxInit): SandboxInit {
	const rest = Object.fromEntries(
		Object.entries(init).filter(([, value]) => value !== undefined),
	) as SandboxInit;
	if (!init.rateLimit) return rest;
	const rateLimit = Object.fromEntries(
		Object.entries(init.rateLimit).filter(([, value]) => value !== undefined),
	);
	return { ...rest, rateLimit };
}
