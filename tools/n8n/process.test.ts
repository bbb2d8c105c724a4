/** Starting a server on a free port when other programs on the machine race for the same ports. */
import net from 'node:net';

import { findFreePort, PortInUseError, startOnFreePort } from './process';
import { portInUseIn } from './server';

function listen(port: number): Promise<net.Server> {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.once('error', reject);
		server.listen({ port, host: '127.0.0.1', exclusive: true }, () => resolve(server));
	});
}

function close(server: net.Server): Promise<void> {
	return new Promise((resolve) => server.close(() => resolve()));
}

describe('startOnFreePort', () => {
	const servers: net.Server[] = [];
	afterEach(async () => {
		await Promise.all(servers.splice(0).map(close));
	});

	test('when another program takes the port between the check and the bind, the server starts on the next free one', async () => {
		const preferred = await findFreePort(41_000);
		const taken: number[] = [];
		const server = await startOnFreePort(
			preferred,
			async (port) => {
				// Another program is faster on the first attempt, as another n8n was in the issue.
				if (port === preferred) servers.push(await listen(port));
				return await listen(port);
			},
			{ onTaken: (port) => taken.push(port) },
		);
		servers.push(server);
		const { port } = server.address() as net.AddressInfo;
		expect(taken).toEqual([preferred]);
		expect(port).toBeGreaterThan(preferred);
	});

	test('the port a start says it lost is skipped too (n8n also binds its task broker’s)', async () => {
		const preferred = await findFreePort(41_100);
		const tried: number[] = [];
		const taken: number[] = [];
		await startOnFreePort(
			preferred,
			async (port) => {
				tried.push(port);
				if (tried.length === 1) throw new PortInUseError(port + 1);
				return port;
			},
			{ onTaken: (port) => taken.push(port) },
		);
		expect(taken).toEqual([preferred + 1]);
		expect(tried[1]).toBeGreaterThan(preferred + 1);
	});

	test('other failures, and a port still taken after the last attempt, are not hidden', async () => {
		const preferred = await findFreePort(41_200);
		await expect(
			startOnFreePort(preferred, async () => {
				throw new Error('n8n exited before it was ready (1).');
			}),
		).rejects.toThrow('n8n exited before it was ready (1).');

		let attempts = 0;
		await expect(
			startOnFreePort(
				preferred,
				async (port) => {
					attempts++;
					throw new PortInUseError(port);
				},
				{ attempts: 3 },
			),
		).rejects.toBeInstanceOf(PortInUseError);
		expect(attempts).toBe(3);
	});
});

describe("n8n's own word for a taken port", () => {
	test.each([
		[
			"n8n's port 5690 is already in use. Do you have another instance of n8n running already?",
			5690,
		],
		[
			"n8n Task Broker's port 5691 is already in use. Do you have another instance of n8n running already?",
			5691,
		],
		['n8n ready on 127.0.0.1, port 5690', undefined],
	])('%s', (line, port) => {
		expect(portInUseIn(`Initializing n8n process\n${line}\n`)).toBe(port);
	});
});
