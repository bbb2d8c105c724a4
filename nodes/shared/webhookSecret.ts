/**
 * How a credential's webhook secret travels with lifecycle events. Velents sends its own configured
 * secret in `x-velents-authorization`; the Velents Agent node also asks Velents to add the
 * credential's secret to every event in a header of this package's own, so that the trigger can
 * verify events of conversations it dispatched even when the Velents-side secret differs.
 */
import { WEBHOOK_SECRET_HEADER } from './contract';

export const FORWARDED_VERIFICATION_HEADER = 'x-velents-n8n-secret';

/** The headers a dispatch asks Velents to send with every event. */
export function forwardedSecretHeaders(secret: string | undefined): Record<string, string> {
	return secret ? { [FORWARDED_VERIFICATION_HEADER]: secret } : {};
}

/** Whether either secret header carries `expected`, compared in constant time. */
export function carriesSecret(expected: string, headers: Record<string, unknown>): boolean {
	let found = false;
	for (const name of [WEBHOOK_SECRET_HEADER, FORWARDED_VERIFICATION_HEADER]) {
		const value = headers[name];
		// Both headers are always compared, so the time taken does not tell which one matched.
		if (typeof value === 'string' && constantTimeEquals(value, expected)) found = true;
	}
	return found;
}

/** String equality whose time depends only on the lengths, not on where the strings differ. */
export function constantTimeEquals(actual: string, expected: string): boolean {
	let difference = actual.length ^ expected.length;
	for (let index = 0; index < expected.length; index++) {
		difference |=
			(actual.charCodeAt(index % Math.max(actual.length, 1)) || 0) ^ expected.charCodeAt(index);
	}
	return difference === 0;
}
