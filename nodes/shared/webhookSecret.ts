/**
 * How a credential's webhook secret travels with lifecycle events. Velents sends its own configured
 * secret in `x-velents-authorization`; the Velents Agent node also asks Velents to add the
 * credential's secret to every event in a header of this package's own, so that the trigger can
 * verify events of conversations it dispatched even when the Velents-side secret differs.
 */
import { createHash, timingSafeEqual } from 'crypto';

import { WEBHOOK_SECRET_HEADER } from './contract';

export const FORWARDED_VERIFICATION_HEADER = 'x-velents-n8n-secret';

/** The headers a dispatch asks Velents to send with every event. */
export function forwardedSecretHeaders(secret: string | undefined): Record<string, string> {
	return secret ? { [FORWARDED_VERIFICATION_HEADER]: secret } : {};
}

/**
 * The SHA-256 of a secret. Secrets are compared by digest: equal lengths whatever was sent, so that
 * `timingSafeEqual` applies, and the trigger can keep a digest in memory instead of the secret.
 */
export function secretDigest(secret: string): Buffer {
	return createHash('sha256').update(secret, 'utf8').digest();
}

/** Whether either secret header carries the secret whose digest is `expected`, in constant time. */
export function carriesSecret(expected: Buffer, headers: Record<string, unknown>): boolean {
	let found = false;
	for (const name of [WEBHOOK_SECRET_HEADER, FORWARDED_VERIFICATION_HEADER]) {
		const value = headers[name];
		// Both headers are always compared, so the time taken does not tell which one matched.
		if (typeof value === 'string' && timingSafeEqual(secretDigest(value), expected)) found = true;
	}
	return found;
}
