import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';

import type { INode } from 'n8n-workflow';

import type { CredentialsByType, WorkflowJson } from './index';
import { HARNESS_START_NODE_TYPE, readWorkflowJson, runWorkflow } from './index';

// A tiny community-node package (JS node + credential) standing in for our built dist/.
const fixtureDir = path.join(__dirname, 'fixture');
const ECHO_NODE_TYPE = 'n8n-nodes-harness-fixture.fixtureEcho';

interface ReceivedRequest {
	method: string | undefined;
	url: string | undefined;
	authorization: string | undefined;
	body: { message?: unknown };
}

// Answers POST /echo with { echoed: <message> }, and /fail with a 500.
const received: ReceivedRequest[] = [];
const server = http.createServer((request, response) => {
	let raw = '';
	request.on('data', (chunk: Buffer) => (raw += chunk.toString()));
	request.on('end', () => {
		const body = (raw ? JSON.parse(raw) : {}) as ReceivedRequest['body'];
		received.push({
			method: request.method,
			url: request.url,
			authorization: request.headers.authorization,
			body,
		});
		const failed = request.url === '/fail';
		response.writeHead(failed ? 500 : 200, { 'content-type': 'application/json' });
		response.end(
			JSON.stringify(failed ? { message: 'fixture failure' } : { echoed: body.message }),
		);
	});
});

let credentials: CredentialsByType;

beforeAll(async () => {
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	credentials = { fixtureApi: { token: 'secret-token', baseUrl: `http://127.0.0.1:${port}` } };
});

afterAll(async () => {
	server.closeAllConnections();
	await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
	received.length = 0;
});

/** Start → Echo, with `echo` overriding the Echo node's fields. */
function startToEcho(echo: Partial<INode> = {}): WorkflowJson {
	return {
		nodes: [
			{
				id: 'start',
				name: 'Start',
				type: HARNESS_START_NODE_TYPE,
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: 'echo',
				name: 'Echo',
				type: ECHO_NODE_TYPE,
				typeVersion: 1,
				position: [200, 0],
				parameters: { message: 'hello' },
				credentials: { fixtureApi: { id: 'cred-1', name: 'Fixture account' } },
				...echo,
			},
		],
		connections: { Start: { main: [[{ node: 'Echo', type: 'main', index: 0 }]] } },
	};
}

const twoItems = [{ json: { x: 'a' } }, { json: { x: 'b' } }];

describe('runWorkflow', () => {
	test('runs a start node feeding a node, items carry pairedItem', async () => {
		const result = await runWorkflow({
			workflow: startToEcho(),
			nodePackageDir: fixtureDir,
			credentials,
			triggerItems: twoItems,
		});

		expect(result.error).toBeUndefined();
		expect(result.status).toBe('success');
		expect(result.executedNodes).toEqual(['Start', 'Echo']);
		expect(result.outputOf('Start')).toEqual([
			{ json: { x: 'a' }, pairedItem: { item: 0 } },
			{ json: { x: 'b' }, pairedItem: { item: 1 } },
		]);
		expect(result.outputOf('Echo')).toEqual([
			{ json: { echoed: 'hello' }, pairedItem: { item: 0 } },
			{ json: { echoed: 'hello' }, pairedItem: { item: 1 } },
		]);
	});

	test("applies the credential's generic authenticate block (Bearer header)", async () => {
		await runWorkflow({ workflow: startToEcho(), nodePackageDir: fixtureDir, credentials });

		expect(received).toEqual([
			{
				method: 'POST',
				url: '/echo',
				authorization: 'Bearer secret-token',
				body: { message: 'hello' },
			},
		]);
	});

	test('resolves parameter expressions per item', async () => {
		const result = await runWorkflow({
			workflow: startToEcho({ parameters: { message: '={{ $json.x }}' } }),
			nodePackageDir: fixtureDir,
			credentials,
			triggerItems: twoItems,
		});

		expect(received.map((request) => request.body.message)).toEqual(['a', 'b']);
		expect(result.outputOf('Echo').map((item) => item.json.echoed)).toEqual(['a', 'b']);
	});

	test('runs an editor export: Manual Trigger stand-in, sticky note ignored, production mode', async () => {
		const result = await runWorkflow({
			workflow: readWorkflowJson(path.join(fixtureDir, 'workflows/manual-trigger.json')),
			nodePackageDir: fixtureDir,
			credentials,
		});

		expect(result.status).toBe('success');
		expect(result.outputOf('Fixture Echo')).toEqual([
			{ json: { echoed: 'production' }, pairedItem: { item: 0 } },
		]);
	});

	test('without a trigger, starts at the only node without inputs and feeds it triggerItems', async () => {
		const { nodes } = startToEcho({ parameters: { message: '={{ $json.x }}' } });
		const result = await runWorkflow({
			workflow: { nodes: nodes.filter((node) => node.name === 'Echo'), connections: {} },
			nodePackageDir: fixtureDir,
			credentials,
			triggerItems: twoItems,
		});

		expect(result.executedNodes).toEqual(['Echo']);
		expect(result.outputOf('Echo').map((item) => item.json.echoed)).toEqual(['a', 'b']);
	});

	describe('node errors', () => {
		test('stop the run and surface in result.error with the failing node', async () => {
			const result = await runWorkflow({
				workflow: startToEcho({ parameters: { path: '/fail' } }),
				nodePackageDir: fixtureDir,
				credentials,
			});

			expect(result.status).toBe('error');
			expect(result.errorNode).toBe('Echo');
			expect(result.error).toMatchObject({
				name: 'NodeApiError',
				httpCode: '500',
				node: { name: 'Echo' },
			});
			expect(result.outputOf('Echo')).toEqual([]);
		});

		test("become error items with onError 'continueRegularOutput'", async () => {
			const result = await runWorkflow({
				workflow: startToEcho({ parameters: { path: '/fail' }, onError: 'continueRegularOutput' }),
				nodePackageDir: fixtureDir,
				credentials,
				triggerItems: twoItems,
			});

			expect(result.status).toBe('success');
			expect(result.error).toBeUndefined();
			expect(result.outputOf('Echo')).toEqual([
				{ json: { error: expect.any(String) }, pairedItem: { item: 0 } },
				{ json: { error: expect.any(String) }, pairedItem: { item: 1 } },
			]);
		});

		test('name credentials missing from the run', async () => {
			const result = await runWorkflow({
				workflow: startToEcho(),
				nodePackageDir: fixtureDir,
				credentials: {},
			});

			expect(result.errorNode).toBe('Echo');
			expect(result.error?.message).toBe(
				'No "fixtureApi" credentials were passed to runWorkflow (node credential "Fixture account")',
			);
		});
	});
});
