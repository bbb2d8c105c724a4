/** Timestamps in the API's two formats, and sleeps that a reset or close can cut short. */

/** `2025-11-13 23:24:50`: the API's `created_at` format [doc] (UTC, no zone). */
export function laravelTimestamp(epochMs: number): string {
	return new Date(epochMs).toISOString().slice(0, 19).replace('T', ' ');
}

/** `2025-11-13T23:25:10Z`: the API's event-message format [doc]. */
export function isoTimestamp(epochMs: number): string {
	return `${new Date(epochMs).toISOString().slice(0, 19)}Z`;
}

/** Sandbox milliseconds → real milliseconds. */
export function scaled(sandboxMs: number, timeScale: number): number {
	return sandboxMs / timeScale;
}

/** Pending sleeps, so that `cancelAll` can wake them all at once (the sleeper then checks why). */
export class Sleeps {
	private readonly pending = new Map<NodeJS.Timeout, () => void>();

	sleep(realMs: number): Promise<void> {
		return new Promise((resolve) => {
			const timer = setTimeout(() => {
				this.pending.delete(timer);
				resolve();
			}, realMs);
			this.pending.set(timer, resolve);
		});
	}

	cancelAll(): void {
		for (const [timer, resolve] of this.pending) {
			clearTimeout(timer);
			resolve();
		}
		this.pending.clear();
	}
}
