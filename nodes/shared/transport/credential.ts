/**
 * What the transport takes from the credential: a Base URL it can trust (checked, never followed
 * elsewhere), and the secrets it must keep out of everything it hands on (data and errors).
 */
import type { NodeApiError } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { CREDENTIAL_NAMES, DEFAULT_BASE_URL, type VelentsApi } from '../contract';
import { isRecord } from '../validation';
import type { Credentials, RequestContext } from './types';

/**
 * The credential's Base URL as requests use it: trimmed, without trailing slashes. A query, a
 * fragment, user info or another scheme than http(s) would send requests elsewhere than meant, so
 * they are refused with the field named.
 */
export function apiBaseUrl(
	context: RequestContext,
	api: VelentsApi,
	value: unknown,
	itemIndex?: number,
): string {
	const text = typeof value === 'string' ? value.trim() : '';
	const problem = baseUrlProblem(text);
	if (problem === undefined) return text.replace(/\/+$/, '');
	throw new NodeOperationError(
		context.getNode(),
		`The Base URL of the "${CREDENTIAL_NAMES[api]}" credential ${problem}`,
		{ description: `Set it to the API's address only, such as ${DEFAULT_BASE_URL}`, itemIndex },
	);
}

/** What is wrong with a Base URL, or undefined when it is usable. */
export function baseUrlProblem(text: string): string | undefined {
	if (!text) return 'is empty';
	let url: URL;
	try {
		url = new URL(text);
	} catch {
		return `"${text}" is not a URL`;
	}
	if (url.protocol !== 'https:' && url.protocol !== 'http:')
		return `"${text}" is not an http(s) URL`;
	if (url.search || text.includes('?')) return `"${text}" has a query string (from "?")`;
	if (url.hash || text.includes('#')) return `"${text}" has a fragment (from "#")`;
	if (url.username || url.password) return 'contains a user name or password';
	return undefined;
}

const REDACTED = '[redacted]';
/** Shorter secrets are only redacted where a whole value equals them: as parts of text they would cut words. */
const MIN_SECRET_PART_LENGTH = 8;

export function secretsOf(credentials: Credentials): string[] {
	return [credentials.token, credentials.webhookSecret].filter(
		(secret): secret is string => typeof secret === 'string' && secret.trim() !== '',
	);
}

function redactText(text: string, secrets: readonly string[]): string {
	let result = text;
	for (const secret of secrets) {
		if (result === secret) return REDACTED;
		if (secret.length >= MIN_SECRET_PART_LENGTH) result = result.split(secret).join(REDACTED);
	}
	return result;
}

/**
 * A copy of a JSON value with the credential's secrets replaced, in keys and values, however deep
 * (walked without recursion: a hostile answer can nest thousands of levels).
 */
export function redact<T>(value: T, secrets: readonly string[]): T {
	if (!secrets.length) return value;
	const root: { value: unknown } = { value };
	const pending: Array<[Record<string, unknown> | unknown[], string | number]> = [[root, 'value']];
	while (pending.length) {
		const [parent, key] = pending.pop()!;
		const current = (parent as Record<string | number, unknown>)[key];
		if (typeof current === 'string') {
			(parent as Record<string | number, unknown>)[key] = redactText(current, secrets);
		} else if (Array.isArray(current)) {
			const copy = [...current];
			(parent as Record<string | number, unknown>)[key] = copy;
			copy.forEach((_, index) => pending.push([copy, index]));
		} else if (isRecord(current)) {
			const copy: Record<string, unknown> = {};
			for (const [entryKey, entry] of Object.entries(current)) {
				Object.defineProperty(copy, redactText(entryKey, secrets), {
					value: entry,
					enumerable: true,
					writable: true,
					configurable: true,
				});
			}
			(parent as Record<string | number, unknown>)[key] = copy;
			Object.keys(copy).forEach((entryKey) => pending.push([copy, entryKey]));
		}
	}
	return root.value as T;
}

/** The error with the credential's secrets removed from everything n8n saves of it. */
export function redactError(error: NodeApiError, secrets: readonly string[]): NodeApiError {
	if (!secrets.length) return error;
	error.message = redactText(error.message, secrets);
	if (typeof error.description === 'string')
		error.description = redactText(error.description, secrets);
	error.context = redact(error.context, secrets);
	if (error.cause !== undefined) error.cause = redact(error.cause, secrets);
	if (isRecord(error.errorResponse)) error.errorResponse = redact(error.errorResponse, secrets);
	error.messages = redact(error.messages, secrets);
	return error;
}
