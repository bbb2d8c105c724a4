/** Defaults that n8n's lint rules make us write out as literals stay equal to the values they stand for. */
import { RATE_LIMIT } from '../../nodes/shared/contract';
import { serverProperties } from '../../nodes/shared/credentialFields';
import { requestSettings } from '../../nodes/shared/descriptions';
import { DEFAULT_TRANSPORT_OPTIONS } from '../../nodes/shared/transport';

it('the credentials’ rate-limit window defaults to the documented per-minute window', () => {
	const window = serverProperties.find((property) => property.name === 'rateLimitWindowSeconds');
	expect(window?.default).toBe(RATE_LIMIT.windowSeconds);
});

it.each(['maxWaitSeconds', 'timeoutSeconds'] as const)(
	'Request Settings > %s defaults to the transport’s own default',
	(name) => {
		const setting = requestSettings.options?.find((option) => option.name === name);
		expect(setting && 'default' in setting ? setting.default : undefined).toBe(
			DEFAULT_TRANSPORT_OPTIONS[name],
		);
	},
);
