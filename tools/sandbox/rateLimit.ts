/**
 * Per-token fixed-window rate limiting, as Laravel's limiter does it: the first request starts a
 * window, requests over the limit are refused (and not counted) until the window ends.
 */
import { RATE_LIMIT } from '../../nodes/shared/contract';
import type { RateLimitOptions } from './options';

export interface RateDecision {
	allowed: boolean;
	limit: number;
	remaining: number;
	/** Whole real seconds until the window resets (at least 1); only when refused. */
	retryAfterSeconds: number | null;
}

interface Window {
	startedAt: number;
	count: number;
}

export interface RateLimitSettings {
	rateLimit: RateLimitOptions;
	timeScale: number;
	now: () => number;
}

export class FixedWindowRateLimiter {
	private windows = new Map<string, Window>();

	constructor(private readonly settings: () => RateLimitSettings) {}

	/** Counts a request against `key` and says whether it may proceed. */
	hit(key: string): RateDecision {
		const { limit } = this.settings().rateLimit;
		const window = this.currentWindow(key, true);
		if (window.count >= limit) {
			return { allowed: false, limit, remaining: 0, retryAfterSeconds: this.retryAfter(window) };
		}
		window.count++;
		return { allowed: true, limit, remaining: limit - window.count, retryAfterSeconds: null };
	}

	/** The headers' figures for `key` without counting a request. */
	peek(key: string): RateDecision {
		const { limit } = this.settings().rateLimit;
		const window = this.currentWindow(key, false);
		const count = window?.count ?? 0;
		return {
			allowed: count < limit,
			limit,
			remaining: Math.max(0, limit - count),
			retryAfterSeconds: null,
		};
	}

	reset(): void {
		this.windows = new Map();
	}

	/** Real milliseconds a window lasts: the window's sandbox seconds divided by the time scale. */
	windowMs(): number {
		const { rateLimit, timeScale } = this.settings();
		return (rateLimit.windowSeconds * 1000) / timeScale;
	}

	private currentWindow(key: string, create: true): Window;
	private currentWindow(key: string, create: false): Window | undefined;
	private currentWindow(key: string, create: boolean): Window | undefined {
		const now = this.settings().now();
		const existing = this.windows.get(key);
		if (existing && now - existing.startedAt < this.windowMs()) return existing;
		if (!create) return undefined;
		const fresh = { startedAt: now, count: 0 };
		this.windows.set(key, fresh);
		return fresh;
	}

	private retryAfter(window: Window): number {
		const remainingMs = window.startedAt + this.windowMs() - this.settings().now();
		return Math.max(1, Math.ceil(remainingMs / 1000));
	}
}

/** The limiter's key: the bearer token as presented, else the client address. */
export function rateLimitKey(token: string | null, remoteAddress: string | undefined): string {
	return token !== null ? `token:${token}` : `ip:${remoteAddress ?? 'unknown'}`;
}

export function rateLimitHeaders(decision: RateDecision): Record<string, string> {
	// The contract's names are lower case (as Node delivers them); HTTP compares them case-insensitively.
	const headers: Record<string, string> = {
		[RATE_LIMIT.limitHeader]: String(decision.limit),
		[RATE_LIMIT.remainingHeader]: String(decision.remaining),
	};
	if (decision.retryAfterSeconds !== null)
		headers[RATE_LIMIT.retryAfterHeader] = String(decision.retryAfterSeconds);
	return headers;
}
