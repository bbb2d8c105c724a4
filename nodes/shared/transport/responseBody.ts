/**
 * The answer's body, read with a size limit. n8n's HTTP helper buffers a whole answer, however large
 * (it sets no content-length limit), so a hostile or broken server could fill n8n's memory with one
 * endless answer. The transport asks n8n for the answer as a stream and reads at most
 * `MAX_ANSWER_BYTES` of it; the largest answer Velents sends, a page of 100 tickets or history
 * entries, is a few hundred kilobytes.
 */
import { isRecord } from '../validation';

export const MAX_ANSWER_BYTES = 16 * 1024 * 1024;

/** The answer ran past the limit; the rest of it was not read. */
export class AnswerTooLarge extends Error {
	constructor(readonly maxBytes: number) {
		super(`The answer is larger than ${maxBytes} bytes`);
	}
}

interface ByteStream extends AsyncIterable<unknown> {
	destroy(error?: Error): void;
}

function isByteStream(body: unknown): body is ByteStream {
	return (
		isRecord(body) && typeof body.destroy === 'function' && Symbol.asyncIterator in Object(body)
	);
}

/**
 * The body as n8n's JSON mode would give it: parsed JSON, the text when it is not JSON, '' when
 * empty. A body that is not a stream (an n8n that ignores the stream request) is handed on as it is.
 * Stopping the request (`signal`) ends the reading too.
 */
export async function readAnswerBody(
	body: unknown,
	signal: AbortSignal,
	maxBytes = MAX_ANSWER_BYTES,
): Promise<unknown> {
	if (!isByteStream(body)) return body;
	const stop = () => body.destroy(new Error('The request was stopped'));
	if (signal.aborted) stop();
	signal.addEventListener('abort', stop, { once: true });
	const chunks: Buffer[] = [];
	let size = 0;
	try {
		for await (const chunk of body) {
			const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
			size += bytes.length;
			if (size > maxBytes) {
				body.destroy();
				throw new AnswerTooLarge(maxBytes);
			}
			chunks.push(bytes);
		}
	} finally {
		signal.removeEventListener('abort', stop);
	}
	const text = Buffer.concat(chunks).toString('utf8');
	if (text.trim() === '') return '';
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return text;
	}
}
