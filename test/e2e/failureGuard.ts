/**
 * Remembers whether a test of the file failed, so that its n8n log is printed and its scratch
 * folder kept for inspection.
 */
export interface FailureGuard {
	/** Wraps a test (or hook) body: a throw marks the run failed. */
	guarded(body: () => Promise<void>): () => Promise<void>;
	readonly failed: boolean;
}

export function failureGuard(): FailureGuard {
	let failed = false;
	return {
		guarded: (body) => async () => {
			try {
				await body();
			} catch (error) {
				failed = true;
				throw error;
			}
		},
		get failed() {
			return failed;
		},
	};
}
