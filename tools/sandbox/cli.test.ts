import { SUPPORT_ABILITIES } from '../../nodes/shared/contract';
import { banner, parseCliArgs } from './cliOptions';
import { resolveOptions } from './options';
import {
	DEFAULT_AGENT_TOKEN,
	DEFAULT_SANDBOX_OPTIONS,
	DEFAULT_SUPPORT_TOKEN,
	OTHER_TENANT_SUPPORT_TOKEN,
	READ_ONLY_SUPPORT_TOKEN,
	startSandbox,
} from './server';

describe('sandbox defaults and CLI options', () => {
	it('define an agent token, a full support token, a second tenant and a token lacking abilities', () => {
		expect(Object.keys(DEFAULT_SANDBOX_OPTIONS.agents)).toEqual([DEFAULT_AGENT_TOKEN]);
		expect(DEFAULT_SANDBOX_OPTIONS.supportTokens[DEFAULT_SUPPORT_TOKEN]).toEqual({
			tenant_id: 1,
			token_name: 'sandbox',
			abilities: Object.values(SUPPORT_ABILITIES),
		});
		expect(DEFAULT_SANDBOX_OPTIONS.supportTokens[OTHER_TENANT_SUPPORT_TOKEN].tenant_id).toBe(2);
		expect(DEFAULT_SANDBOX_OPTIONS.supportTokens[READ_ONLY_SUPPORT_TOKEN].abilities).not.toContain(
			SUPPORT_ABILITIES.createTicket,
		);
	});

	it('listen on port 8787 from the CLI by default', () => {
		expect(parseCliArgs([]).init).toEqual({ port: 8787 });
	});

	it('map every CLI option onto sandbox options', () => {
		const { init, verbose } = parseCliArgs([
			'--port',
			'9000',
			'--agent-token',
			'a-token',
			'--support-token',
			'App_1_PersonalAccessToken_x',
			'--rate-limit',
			'5',
			'--window',
			'10',
			'--time-scale',
			'60',
			'--webhook-secret',
			's3cret',
			'--event-delay',
			'250',
			'--error-shape',
			'status',
			'--voice-event-shape',
			'call',
			'--redeliver-ratio',
			'0.1',
			'--concurrency',
			'4',
			'--no-auto-reply',
			'--verbose',
		]);
		expect(verbose).toBe(true);
		expect(init).toMatchObject({
			port: 9000,
			rateLimit: { limit: 5, windowSeconds: 10 },
			timeScale: 60,
			webhookSecret: 's3cret',
			eventDelayMs: 250,
			errorShape: 'status',
			voiceEventShape: 'call',
			redeliverRatio: 0.1,
			deliveryConcurrency: 4,
			autoReply: false,
		});
		expect(Object.keys(init.agents ?? {})).toEqual(['a-token']);
		expect(Object.keys(init.supportTokens ?? {})).toContain('App_1_PersonalAccessToken_x');
		expect(Object.keys(init.supportTokens ?? {})).not.toContain(DEFAULT_SUPPORT_TOKEN);
	});

	it('refuse a value that is not a number or not one of the allowed words', () => {
		expect(() => parseCliArgs(['--rate-limit', 'many'])).toThrow('--rate-limit must be a number');
		expect(() => parseCliArgs(['--error-shape', 'xml'])).toThrow(
			'--error-shape must be one of message, status',
		);
	});

	it('print the URL and every token to use', () => {
		const text = banner('http://127.0.0.1:8787', resolveOptions());
		expect(text).toContain('http://127.0.0.1:8787');
		for (const token of [
			DEFAULT_AGENT_TOKEN,
			DEFAULT_SUPPORT_TOKEN,
			OTHER_TENANT_SUPPORT_TOKEN,
			READ_ONLY_SUPPORT_TOKEN,
		]) {
			expect(text).toContain(token);
		}
	});

	it('refuse invalid options at start rather than misbehave later', async () => {
		await expect(startSandbox({ redeliverRatio: 2 })).rejects.toThrow(/redeliverRatio/);
	});

	it('never share mutable state between two sandboxes started from the defaults', async () => {
		const first = await startSandbox();
		const second = await startSandbox();
		try {
			first.configure({ rateLimit: { limit: 1 } });
			first.config.agents[DEFAULT_AGENT_TOKEN].name = 'changed';
			expect(second.config.rateLimit.limit).toBe(30);
			expect(second.config.agents[DEFAULT_AGENT_TOKEN].name).toBe('Sandbox Booking Agent');
			expect(DEFAULT_SANDBOX_OPTIONS.agents[DEFAULT_AGENT_TOKEN].name).toBe(
				'Sandbox Booking Agent',
			);
		} finally {
			await first.close();
			await second.close();
		}
	});
});
