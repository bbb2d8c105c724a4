/** The answer's body is read from n8n's stream with a size limit, and parsed as n8n's JSON mode would. */
import { Readable } from 'node:stream';

import { AnswerTooLarge, readAnswerBody } from '../../nodes/shared/transport/responseBody';

const streamOf = (...chunks: string[]) => Readable.from(chunks.map((chunk) => Buffer.from(chunk)));
const open = () => new AbortController().signal;

describe('readAnswerBody', () => {
	it('joins the chunks and parses JSON, keeping UTF-8 split across chunks intact', async () => {
		const arabic = Buffer.from('{"data":{"name":"مرحبا"}}');
		const chunks = [arabic.subarray(0, 20), arabic.subarray(20)];
		expect(await readAnswerBody(Readable.from(chunks), open())).toEqual({
			data: { name: 'مرحبا' },
		});
	});

	it('gives text that is not JSON as text, and an empty body as ""', async () => {
		expect(await readAnswerBody(streamOf('<html>maintenance</html>'), open())).toBe(
			'<html>maintenance</html>',
		);
		expect(await readAnswerBody(streamOf(' \n'), open())).toBe('');
	});

	it('stops reading past the limit and destroys the stream', async () => {
		const stream = streamOf('{"padding":"', 'x'.repeat(600), '"}');
		await expect(readAnswerBody(stream, open(), 512)).rejects.toEqual(new AnswerTooLarge(512));
		expect(stream.destroyed).toBe(true);
	});

	it('reads exactly the limit', async () => {
		const body = `"${'x'.repeat(510)}"`;
		expect(await readAnswerBody(streamOf(body), open(), 512)).toBe('x'.repeat(510));
	});

	it('ends the reading when the request is stopped', async () => {
		const controller = new AbortController();
		const endless = new Readable({ read() {} });
		endless.push('{"data":');
		const reading = readAnswerBody(endless, controller.signal);
		controller.abort();
		await expect(reading).rejects.toThrow('The request was stopped');
	});

	it('hands on a body that is not a stream as it is', async () => {
		const body = { data: { id: 1 } };
		expect(await readAnswerBody(body, open())).toBe(body);
	});
});
