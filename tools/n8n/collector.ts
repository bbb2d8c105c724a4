/**
 * A loopback receiver for what a workflow's HTTP Request node posts: the benchmarks and the scale
 * test point a follow-up at it and count, from outside n8n, which executions continued and when.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One JSON post, as received, and when it arrived. */
export interface CollectedPost {
	body: Record<string, unknown>;
	arrivedMs: number;
}

export interface PostCollector {
	url: string;
	/** In order of arrival; a post that is not a JSON object is left out (it continued nothing). */
	readonly posts: CollectedPost[];
	close(): Promise<void>;
}

/** Listens on a free loopback port; every post is answered 200 `{}` at once. */
export async function startPostCollector(path: string): Promise<PostCollector> {
	const posts: CollectedPost[] = [];
	const server = http.createServer((request, response) => {
		const chunks: Buffer[] = [];
		request.on('data', (chunk: Buffer) => chunks.push(chunk));
		request.on('end', () => {
			const arrivedMs = Date.now();
			try {
				const body: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
				if (body !== null && typeof body === 'object' && !Array.isArray(body))
					posts.push({ body: body as Record<string, unknown>, arrivedMs });
			} catch {
				// Not JSON: no continuation.
			}
			response.writeHead(200, { 'content-type': 'application/json' });
			response.end('{}');
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`,
		posts,
		close: async () =>
			await new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	};
}
