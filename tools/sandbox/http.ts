/** Small HTTP plumbing shared by the API and the inspection routes. */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** What a handler answers; `afterResponse` runs once the answer is written (e.g. start a lifecycle). */
export interface ApiResult {
	status: number;
	body: unknown;
	headers?: Record<string, string>;
	afterResponse?: () => void;
}

/** Thrown by handlers to answer with an error status and body. */
export class HttpError extends Error {
	constructor(
		readonly status: number,
		readonly body: Record<string, unknown>,
		readonly headers: Record<string, string> = {},
	) {
		super(typeof body.message === 'string' ? body.message : `HTTP ${status}`);
	}
}

export const MAX_BODY_BYTES = 25 * 1024 * 1024;

/** The request body; null when it exceeds MAX_BODY_BYTES (the rest is drained, not kept). */
export async function readBody(req: IncomingMessage): Promise<Buffer | null> {
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of req) {
		const buffer = chunk as Buffer;
		size += buffer.length;
		if (size <= MAX_BODY_BYTES) chunks.push(buffer);
	}
	return size > MAX_BODY_BYTES ? null : Buffer.concat(chunks, size);
}

export type JsonBody =
	| { kind: 'empty' }
	| { kind: 'json'; value: unknown }
	| { kind: 'malformed'; text: string; reason: string };

export function parseJsonBody(raw: Buffer): JsonBody {
	const text = raw.toString('utf8');
	if (text.trim() === '') return { kind: 'empty' };
	try {
		return { kind: 'json', value: JSON.parse(text) as unknown };
	} catch (error) {
		return {
			kind: 'malformed',
			text,
			reason: error instanceof Error ? error.message : String(error),
		};
	}
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function writeJson(
	res: ServerResponse,
	status: number,
	body: unknown,
	headers: Record<string, string> = {},
): void {
	const payload = Buffer.from(JSON.stringify(body), 'utf8');
	res.writeHead(status, {
		...headers,
		'Content-Type': 'application/json',
		'Content-Length': String(payload.length),
	});
	res.end(payload);
}

/**
 * A JSON answer padded with a `padding` string of `paddingBytes` bytes, streamed in chunks without a
 * Content-Length, as an endless or enormous answer arrives. Stops when the client hangs up.
 */
export function writePaddedJson(
	res: ServerResponse,
	status: number,
	body: Record<string, unknown>,
	headers: Record<string, string>,
	paddingBytes: number,
): void {
	res.writeHead(status, { ...headers, 'Content-Type': 'application/json' });
	const rest = JSON.stringify(body).slice(1);
	const chunk = Buffer.alloc(64 * 1024, 'x');
	let left = paddingBytes;
	const pump = (): void => {
		while (left > 0 && !res.destroyed) {
			const part = left >= chunk.length ? chunk : chunk.subarray(0, left);
			left -= part.length;
			if (!res.write(part)) return void res.once('drain', pump);
		}
		if (!res.destroyed) res.end(rest === '}' ? '"}' : `",${rest}`);
	};
	res.write('{"padding":"');
	pump();
}

/** Query parameters as a flat object (the last value of a repeated key wins, as in PHP). */
export function queryObject(url: URL): Record<string, string> {
	return Object.fromEntries(url.searchParams.entries());
}

/** The base URL as the client reached us, so pagination links work whatever the host and port. */
export function requestBaseUrl(req: IncomingMessage, fallback: string): string {
	const host = req.headers.host;
	return host ? `http://${host}` : fallback;
}
