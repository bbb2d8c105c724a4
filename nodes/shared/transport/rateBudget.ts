/**
 * The rate budget: what each token's window has left, as the server last said, so that a spent
 * window is waited out instead of provoking a 429. One store per process (`PROCESS_RATE_BUDGETS`)
 * is shared by every execution in it; requests take the store as a parameter, so a test passes a
 * fresh one.
 */
import { sleep } from 'n8n-workflow';

import { RATE_LIMIT } from '../contract';
import { rateLimitWaitError } from './errors';
import type { RequestContext, TransportOptions, VelentsRequest } from './types';

/** What the token's window has left, as the server last said. Shared by every execution in this process. */
export interface RateBudget {
	remaining?: number;
	windowEndsAt: number;
	/** Requests sent so far: how many were sent after a given one, so how far its answer may lag. */
	sent: number;
}

/** The budgets of one process, by credential (its id, never its token) and Base URL. */
export class RateBudgets {
	private readonly byKey = new Map<string, RateBudget>();

	/** The budget of the credential the node uses for `credentialType`, at this Base URL. */
	of(context: RequestContext, credentialType: string, baseUrl: string): RateBudget {
		const credentialId = context.getNode().credentials?.[credentialType]?.id ?? 'unsaved';
		const key = `${credentialType}:${credentialId}:${baseUrl}`;
		let budget = this.byKey.get(key);
		if (!budget) {
			budget = { windowEndsAt: 0, sent: 0 };
			this.byKey.set(key, budget);
		}
		return budget;
	}
}

/** The store every request of this process uses unless it is given another. */
export const PROCESS_RATE_BUDGETS = new RateBudgets();

/** Waits out a spent window instead of provoking a 429, and takes one request from the budget. */
export async function waitForBudget(
	context: RequestContext,
	budget: RateBudget,
	policy: TransportOptions,
	request: VelentsRequest,
	cancelled: AbortSignal | undefined,
): Promise<void> {
	const now = Date.now();
	if (now >= budget.windowEndsAt) {
		budget.remaining = undefined;
	} else if (budget.remaining !== undefined && budget.remaining <= 0) {
		const waitMs = budget.windowEndsAt - now;
		if (waitMs > policy.maxWaitSeconds * 1000)
			throw rateLimitWaitError(context, request, waitMs, policy);
		await sleep(waitMs, cancelled);
		budget.remaining = undefined;
	}
	if (budget.remaining !== undefined) budget.remaining--;
}

/**
 * The server's headers are the truth, but the answers to concurrent requests (the executions of one
 * worker share the budget) arrive in any order: an answer may be higher than the estimate by as many
 * requests as this process sent after it (`lag`), and must not give that budget back, so within a
 * window the estimate only goes down. A window is new once the estimate of its end has passed, or
 * when an answer is higher than its lag explains (the server's window ended earlier than estimated);
 * its end is then estimated at now + the window length, a safe upper bound.
 */
export function observeBudget(
	budget: RateBudget,
	headers: Record<string, unknown>,
	windowMs: number,
	lag: number,
): void {
	const remaining = numberHeader(headers, RATE_LIMIT.remainingHeader);
	if (remaining === undefined) return;
	const now = Date.now();
	const estimate = budget.remaining;
	if (now >= budget.windowEndsAt || estimate === undefined || remaining > estimate + lag) {
		budget.windowEndsAt = now + windowMs;
		budget.remaining = remaining;
		return;
	}
	budget.remaining = Math.min(estimate, remaining);
}

export function retryAfterMs(headers: Record<string, unknown>): number | undefined {
	const value = headers[RATE_LIMIT.retryAfterHeader];
	if (value === undefined || value === null || value === '') return undefined;
	const seconds = Number(value);
	if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
	const date = Date.parse(String(value));
	return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function numberHeader(headers: Record<string, unknown>, name: string): number | undefined {
	const value = Number(headers[name]);
	return headers[name] === undefined || Number.isNaN(value) ? undefined : value;
}
