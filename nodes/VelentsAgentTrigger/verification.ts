/**
 * The webhook secret check, without reading the credential for every event.
 *
 * Reading a credential in a webhook costs n8n far more than the trigger's own work (n8n 2.41
 * acquires an expression isolate for each read), so the trigger keeps, per credential, the SHA-256
 * of its secret (never the secret) and when it was read:
 * - an event carrying the remembered secret is verified from memory while the digest is younger
 *   than SECRET_MEMORY_MS: a matching event costs one read per credential per interval;
 * - any other event (another secret, none, or the memory too old) makes the trigger read the
 *   credential again before answering, so a new secret works at once; the answer is 401 only if
 *   the secret read after the event arrived does not match either.
 * So a changed secret takes effect at once, and an old one stops working at most SECRET_MEMORY_MS
 * after the change (as does "no secret" after a secret is added). Concurrent reads of one credential
 * are shared, so unauthorised requests cost at most one read in flight per credential.
 */
import { carriesSecret, secretDigest } from '../shared/webhookSecret';

/** How long a secret read from the credential is trusted without reading it again. */
export const SECRET_MEMORY_MS = 5_000;
/** Credentials remembered at once; the least recently read is forgotten first. */
const CREDENTIALS_REMEMBERED = 1_000;

interface KnownSecret {
	/** The digest of the credential's secret; null when it has none (every event passes). */
	digest: Buffer | null;
	readAt: number;
}

interface PendingRead {
	startedAt: number;
	result: Promise<KnownSecret>;
}

/** Reads the credential's secret ('' when none is set). */
export type SecretReader = () => Promise<string>;

export class SecretMemory {
	private readonly known = new Map<string, KnownSecret>();
	private readonly reading = new Map<string, PendingRead>();

	constructor(
		private readonly maxAgeMs: number = SECRET_MEMORY_MS,
		private readonly clock: () => number = Date.now,
	) {}

	/** Whether the headers carry the credential's secret, or the credential has none. */
	async verify(
		credential: string,
		headers: Record<string, unknown>,
		readSecret: SecretReader,
	): Promise<boolean> {
		const arrivedAt = this.clock();
		const known = this.known.get(credential);
		if (known && arrivedAt - known.readAt < this.maxAgeMs && accepts(known, headers)) return true;
		return accepts(await this.readSince(credential, arrivedAt, readSecret), headers);
	}

	/** The credential's secret as read by a read that started at `since` or later. */
	private async readSince(
		credential: string,
		since: number,
		readSecret: SecretReader,
	): Promise<KnownSecret> {
		for (;;) {
			const pending = this.reading.get(credential);
			if (pending === undefined) return await this.startRead(credential, readSecret).result;
			if (pending.startedAt >= since) return await pending.result;
			// A read that began before this event may return a secret changed since: wait, then read.
			await pending.result.catch(() => undefined);
		}
	}

	private startRead(credential: string, readSecret: SecretReader): PendingRead {
		const startedAt = this.clock();
		// Read on the next tick, so that the pending read is registered before it can settle.
		const result = Promise.resolve()
			.then(readSecret)
			.then((secret) => this.remember(credential, secret, startedAt))
			.finally(() => this.reading.delete(credential));
		const pending = { startedAt, result };
		this.reading.set(credential, pending);
		return pending;
	}

	private remember(credential: string, secret: string, readAt: number): KnownSecret {
		const known = { digest: secret === '' ? null : secretDigest(secret), readAt };
		this.known.delete(credential);
		this.known.set(credential, known);
		if (this.known.size > CREDENTIALS_REMEMBERED)
			this.known.delete(this.known.keys().next().value as string);
		return known;
	}
}

function accepts(known: KnownSecret, headers: Record<string, unknown>): boolean {
	return known.digest === null || carriesSecret(known.digest, headers);
}

/** This process's memory of verified secrets, shared by every trigger node. */
export const secrets = new SecretMemory();
