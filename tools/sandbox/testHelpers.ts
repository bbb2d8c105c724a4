/** Real HTTP against the sandbox and a local webhook receiver, for the sandbox's own tests. */
import http from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Answer<T> {
	status: number;
	headers: IncomingHttpHeaders;
	text: string;
	/** The parsed JSON body, typed as the test expects it (unchecked: tests assert on it). */
	body: T;
}

export interface RequestOptions {
	token?: string;
	/** Serialised as JSON. */
	json?: unknown;
	/** Sent as is (e.g. malformed JSON). */
	raw?: string;
	headers?: Record<string, string>;
}

/** One request on a fresh connection (no keep-alive, so closing the sandbox never waits on us). */
export function call<T = unknown>(
	baseUrl: string,
	method: string,
	path: string,
	options: RequestOptions = {},
): Promise<Answer<T>> {
	const payload =
		options.raw !== undefined
			? Buffer.from(options.raw, 'utf8')
			: options.json !== undefined
				? Buffer.from(JSON.stringify(options.json), 'utf8')
				: null;
	const headers: Record<string, string> = { ...options.headers };
	if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
	if (payload) {
		headers['content-type'] = 'application/json';
		headers['content-length'] = String(payload.length);
	}
	return new Promise((resolve, reject) => {
		const request = http.request(
			new URL(path, baseUrl),
			{ method, headers, agent: false },
			(response) => {
				const chunks: Buffer[] = [];
				response.on('data', (chunk: Buffer) => chunks.push(chunk));
				response.on('end', () => {
					const text = Buffer.concat(chunks).toString('utf8');
					let body: unknown = text;
					try {
						body = text === '' ? null : JSON.parse(text);
					} catch {
						// Not JSON: tests read `text`.
					}
					resolve({
						status: response.statusCode ?? 0,
						headers: response.headers,
						text,
						body: body as T,
					});
				});
				response.on('error', reject);
			},
		);
		request.on('error', reject);
		request.end(payload ?? undefined);
	});
}

export interface ReceivedEvent {
	headers: IncomingHttpHeaders;
	raw: Buffer;
	body: Record<string, unknown>;
	receivedAt: number;
}

export interface Receiver {
	url: string;
	received: ReceivedEvent[];
	close(): Promise<void>;
}

/** A webhook endpoint that records every POST and answers `status` (200 by default). */
export async function startReceiver(
	status: (event: ReceivedEvent) => number = () => 200,
): Promise<Receiver> {
	const received: ReceivedEvent[] = [];
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			const raw = Buffer.concat(chunks);
			const event: ReceivedEvent = {
				headers: req.headers,
				raw,
				body: JSON.parse(raw.toString('utf8')) as Record<string, unknown>,
				receivedAt: Date.now(),
			};
			received.push(event);
			res.writeHead(status(event), { 'content-type': 'text/plain' });
			res.end('ok');
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}/hook`,
		received,
		close: () =>
			new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	};
}

/** A controllable clock for rate-limit windows and timestamps. */
export function fakeClock(start = Date.parse('2025-11-13T23:24:50Z')): {
	now: () => number;
	advance: (ms: number) => void;
} {
	let current = start;
	return { now: () => current, advance: (ms) => (current += ms) };
}

export const sleep = (ms: number): Promise<void> =>
	new Promise((resolve) => setTimeout(resolve, ms));
