/** Defaults that n8n's lint rules make us write out as literals stay equal to the values they stand for. */
import { RATE_LIMIT } from '../../nodes/shared/contract';
import { serverProperties } from '../../nodes/shared/credentialFields';
import { requestSettings } from '../../nodes/shared/descriptions';
import { DEFAULT_TRANSPORT_OPTIONS } from '../../nodes/shared/transport';

it('the credentials’ rate-limit window defaults to the documented per-minute window', () => {
	const window = serverProperties.find((property) => property.name === 'rateLimitWindowSeconds');
	expect(window?.default).toBe(RATE_LIMIT.windowSeconds);
});

it('Max Rate-Limit Wait defaults to the transport’s own default', () => {
	const maxWait = requestSettings.options?.find((option) => option.name === 'maxWaitSeconds');
	expect(maxWait && 'default' in maxWait ? maxWait.default : undefined).toBe(
		DEFAULT_TRANSPORT_OPTIONS.maxWaitSeconds,
	);
});
