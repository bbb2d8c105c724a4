/**
 * End to end: Dispatch and Wait inside a real n8n (installed from the npm tarball, as in
 * n8n.e2e.ts), against the sandbox, which plays each conversation to the resume URL the node gave
 * it (with its `?signature=`).
 *
 * 1. Example 7b calls example 7a once per order: each sub-execution dispatches, waits in n8n, and
 *    resumes on onEnded with the extraction, which it files as a ticket; the parent goes on after.
 * 2. A wait limit of one minute whose Resume On never matches ends with outcome `timed_out`
 *    (n8n's wait tracker), and that across a restart of n8n.
 * 3. An execution waiting while n8n restarts resumes afterwards on its end event.
 *
 * The scenarios overlap in time: the one-minute wait runs while the others play.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { DEFAULT_WEBHOOK_SECRET, startSandbox } from '../../tools/sandbox/server';
import type { Sandbox } from '../../tools/sandbox/server';
import { N8nApi } from '../../tools/n8n/api';
import type { ExecutionSummary } from '../../tools/n8n/api';
import type { CredentialEntity, WorkflowFile } from '../../tools/n8n/api';
import { installCommunityPackage, packPackage } from '../../tools/n8n/community-package';
import {
	createSandboxCredentials,
	importExamples,
	MANUAL_TRIGGER_NAME,
} from '../../tools/n8n/examples';
import type { ExampleKey, ImportedExample, VelentsCredentialType } from '../../tools/n8n/examples';
import { ensureN8n } from '../../tools/n8n/install';
import { failureGuard } from './failureGuard';
import type { N8nInstallation } from '../../tools/n8n/install';
import { ownerSession, PLAYGROUND_OWNER } from '../../tools/n8n/playground';
import { n8nProfile } from '../../tools/n8n/profile';
import { seconds, sleep } from '../../tools/n8n/process';
import { startN8n } from '../../tools/n8n/server';
import type { N8nServer } from '../../tools/n8n/server';

const SETUP_TIMEOUT_MS = 45 * 60_000;
/** Seconds between the sandbox's events: the execution is parked well before the first. */
const EVENT_DELAY_MS = 1000;

const print = (line: string): void => void process.stdout.write(`[e2e wait] ${line}\n`);

let scratch = '';
let installation: N8nInstallation;
let sandbox: Sandbox;
let n8n: N8nServer | undefined;
let api: N8nApi;
/** The credentials and the examples, imported (nothing activated: n8n 1.85.3 has no activate endpoint). */
let playground: {
	credentials: Record<VelentsCredentialType, CredentialEntity>;
	examples: Record<ExampleKey, ImportedExample>;
};

const failures = failureGuard();
const { guarded } = failures;

/** Manual trigger → Dispatch and Wait (its parameters) → Create Ticket titled with the outcome. */
function waitWorkflow(name: string, waitParameters: Record<string, unknown>): WorkflowFile {
	const { credentials } = playground;
	return {
		name,
		nodes: [
			{
				id: 'manual',
				name: MANUAL_TRIGGER_NAME,
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: 'wait',
				name: 'Call and wait',
				type: 'n8n-nodes-velents.velentsAgent',
				typeVersion: 1,
				position: [220, 0],
				parameters: {
					operation: 'dispatchAndWait',
					channelId: 2,
					phone: '+201145803442',
					variablesInput: 'json',
					variablesJson: JSON.stringify({ company_name: 'Acme Store', order_id: name }),
					...waitParameters,
				},
				credentials: {
					velentsAgentApi: {
						id: credentials.velentsAgentApi.id,
						name: credentials.velentsAgentApi.name,
					},
				},
			},
			{
				id: 'ticket',
				name: 'Open a ticket',
				type: 'n8n-nodes-velents.velentsSupport',
				typeVersion: 1,
				position: [440, 0],
				parameters: {
					resource: 'ticket',
					operation: 'create',
					subject: `=${name}: {{ $json.outcome }}`,
					additionalFields: {
						metadata:
							'={{ JSON.stringify({ outcome: $json.outcome, extraction: $json.extraction, conversation_id: $json.conversation.id }) }}',
					},
				},
				credentials: {
					velentsSupportApi: {
						id: credentials.velentsSupportApi.id,
						name: credentials.velentsSupportApi.name,
					},
				},
			},
		],
		connections: {
			[MANUAL_TRIGGER_NAME]: { main: [[{ node: 'Call and wait', type: 'main', index: 0 }]] },
			'Call and wait': { main: [[{ node: 'Open a ticket', type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
}

/** Runs the workflow from its manual trigger; resolves once n8n has it waiting. */
async function startWaiting(workflow: WorkflowFile): Promise<ExecutionSummary> {
	const created = await api.createWorkflow(workflow);
	const id = await api.runManually(created.id, MANUAL_TRIGGER_NAME);
	return await waitForStatus(id, ['waiting'], 30_000);
}

async function waitForStatus(
	id: string,
	statuses: ReadonlyArray<ExecutionSummary['status']>,
	timeoutMs: number,
): Promise<ExecutionSummary> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const execution = await api.getExecution(id).catch(() => undefined);
		if (execution && statuses.includes(execution.status)) return execution;
		if (Date.now() > deadline)
			throw new Error(`Execution ${id} is ${execution?.status ?? 'unknown'}, not ${statuses}`);
		await sleep(250);
	}
}

/** The end event as the sandbox posts it (the first one it played), for this conversation. */
async function postEndEvent(link: string, conversation: unknown): Promise<Response> {
	const ended = sandbox.deliveries().find((delivery) => delivery.event_type === 'onEnded')?.body;
	const response = await fetch(link, {
		method: 'POST',
		headers: {
			'content-type': 'application/json',
			'x-velents-authorization': DEFAULT_WEBHOOK_SECRET,
		},
		body: JSON.stringify({ ...ended, conversation }),
	});
	await response.arrayBuffer();
	return response;
}

function ticketTitled(subject: string) {
	return sandbox.tickets().find((ticket) => ticket.subject === subject);
}

async function restartN8n(): Promise<void> {
	const running = n8n as N8nServer;
	await running.stop();
	n8n = await startN8n({
		installation,
		userFolder: running.userFolder,
		port: running.port,
		log: print,
	});
	api = new N8nApi(n8n.url, undefined, n8nProfile(n8n.major));
	await api.login(PLAYGROUND_OWNER.email, PLAYGROUND_OWNER.password);
}

beforeAll(
	guarded(async () => {
		installation = await ensureN8n({ log: print });
		scratch = await mkdtemp(path.join(os.tmpdir(), 'velents-n8n-wait-'));
		sandbox = await startSandbox({ port: 0, eventDelayMs: EVENT_DELAY_MS });
		const packed = await packPackage(path.join(scratch, 'pack'));
		await installCommunityPackage(path.join(scratch, 'user'), packed);
		const server = await startN8n({
			installation,
			userFolder: path.join(scratch, 'user'),
			log: print,
		});
		n8n = server;
		api = await ownerSession(server);
		const credentials = await createSandboxCredentials(api, { sandboxUrl: sandbox.url });
		playground = {
			credentials,
			examples: await importExamples(api, {
				credentials,
				webhookBaseUrl: server.webhookBaseUrl,
			}),
		};
	}),
	SETUP_TIMEOUT_MS,
);

afterAll(async () => {
	if (failures.failed && n8n)
		print(`n8n log (${n8n.logFile}), last lines:\n${await n8n.logTail(60)}`);
	await n8n?.stop();
	await sandbox?.close();
	if (scratch && !failures.failed && !process.env.VELENTS_E2E_KEEP)
		await rm(scratch, { recursive: true, force: true });
}, 120_000);

describe('Dispatch and Wait in a real n8n', () => {
	let timeoutRun: ExecutionSummary;
	let timeoutStartedMs = 0;

	test(
		'a one-minute limit: the execution waits (its events answered 200 without resuming)',
		guarded(async () => {
			timeoutStartedMs = Date.now();
			timeoutRun = await startWaiting(
				waitWorkflow('limit', {
					resumeOn: ['call_done'],
					limitType: 'afterTimeInterval',
					limitAmount: 1,
					limitUnit: 'minutes',
				}),
			);
			const [dispatch] = sandbox.dispatches();
			await sandbox.waitForIdle(60_000);
			const deliveries = sandbox
				.deliveries()
				.filter((delivery) => delivery.conversation_id === dispatch.conversation.id);
			expect(deliveries.map((delivery) => [delivery.event_type, delivery.status])).toEqual(
				deliveries.map((delivery) => [delivery.event_type, 200]),
			);
			expect(deliveries.at(-1)?.event_type).toBe('onEnded');
			expect((await api.getExecution(timeoutRun.id)).status).toBe('waiting');
		}),
	);

	test(
		'example 7b: one waiting sub-execution per order, each resumed once on onEnded with the extraction',
		guarded(async () => {
			const before = sandbox.dispatches().length;
			const parentId = await api.runManually(
				playground.examples.waitPerOrder.workflow.id,
				MANUAL_TRIGGER_NAME,
			);
			const parent = await api.waitForExecution(parentId, 120_000);
			expect(parent.status).toBe('success');

			const dispatches = sandbox.dispatches().slice(before);
			expect(dispatches.map((dispatch) => dispatch.conversation.values.order_id)).toEqual([
				'1401',
				'1402',
			]);
			for (const dispatch of dispatches) {
				const link = new URL(dispatch.conversation.webhook?.link ?? '');
				expect(link.pathname).toMatch(/^\/webhook-waiting\/\d+\/.+/);
				// n8n 2.x signs the resume URL per execution; n8n 1.x has no such token (the
				// credential's Webhook Secret is what authenticates the events there).
				expect(link.searchParams.has('signature')).toBe(n8n?.major === 2);
				const deliveries = sandbox
					.deliveries()
					.filter((delivery) => delivery.conversation_id === dispatch.conversation.id);
				expect(deliveries.map((delivery) => [delivery.event_type, delivery.status])).toEqual(
					deliveries.map((delivery) => [delivery.event_type, 200]),
				);
				expect(deliveries.map((delivery) => delivery.response_body)).toEqual(
					deliveries.map((delivery) =>
						JSON.stringify({ received: true, resumed: delivery.event_type === 'onEnded' }),
					),
				);
			}
			// n8n 2.41 may continue the parent a moment before it saves the last sub-execution as
			// finished (seen once: the parent `success`, a sub-execution still `waiting` when listed).
			const subExecutions = await api.waitForExecutions(
				playground.examples.waitForOrder.workflow.id,
				2,
				10_000,
			);
			expect(subExecutions.map((execution) => execution.status)).toEqual(['success', 'success']);
			for (const order of ['1401', '1402']) {
				expect(ticketTitled(`Order ${order}: booking today 22:00`)).toMatchObject({
					customer: { name: 'shady' },
					metadata: { outcome: 'ended', order_id: order, booking_time: 'today 22:00' },
				});
			}
		}),
	);

	test(
		'an execution waiting while n8n restarts resumes afterwards on its end event',
		guarded(async () => {
			// Slow enough that the conversation is still going on after the restart.
			sandbox.configure({ eventDelayMs: 600_000 });
			const waiting = await startWaiting(waitWorkflow('restart', { limitType: 'noLimit' }));
			const dispatch = sandbox.dispatches().at(-1);
			const link = dispatch?.conversation.webhook?.link ?? '';

			const began = Date.now();
			await restartN8n();
			print(`n8n restarted in ${seconds(Date.now() - began)}`);
			expect((await api.getExecution(waiting.id)).status).toBe('waiting');

			const response = await postEndEvent(link, dispatch?.conversation);
			expect(response.status).toBe(200);
			const finished = await api.waitForExecution(waiting.id, 60_000);
			expect(finished.status).toBe('success');
			expect(ticketTitled('restart: ended')?.metadata).toMatchObject({
				outcome: 'ended',
				extraction: { customer_name: 'shady', booking_time: 'today 22:00' },
				conversation_id: dispatch?.conversation.id,
			});
			// A late repeat of the end event finds the execution finished.
			const again = await fetch(link, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: '{}',
			});
			expect(again.status).toBe(409);
		}),
	);

	test(
		'two copies of the end event at the same instant: the execution continues once',
		guarded(async () => {
			const waiting = await startWaiting(waitWorkflow('twice', { limitType: 'noLimit' }));
			const dispatch = sandbox.dispatches().at(-1);
			const link = dispatch?.conversation.webhook?.link ?? '';
			const answers = await Promise.all(
				[1, 2].map(() => postEndEvent(link, dispatch?.conversation)),
			);
			print(`two end events at once answered ${answers.map((answer) => answer.status)}`);
			const finished = await api.waitForExecution(waiting.id, 60_000);
			expect(finished.status).toBe('success');
			await sleep(2000); // a second continuation, if any, files its ticket by then
			expect(sandbox.tickets().filter((ticket) => ticket.subject === 'twice: ended')).toHaveLength(
				1,
			);
			expect(answers.filter((answer) => answer.status === 200)).toHaveLength(1);
		}),
	);

	test(
		'the one-minute limit passes: the execution goes on with outcome timed_out',
		guarded(async () => {
			const finished = await api.waitForExecution(timeoutRun.id, 180_000);
			print(`timed out after ${seconds(Date.now() - timeoutStartedMs)} (limit 60 s)`);
			expect(finished.status).toBe('success');
			expect(ticketTitled('limit: timed_out')?.metadata).toMatchObject({
				outcome: 'timed_out',
				extraction: {},
				conversation_id: sandbox.dispatches()[0].conversation.id,
			});
			expect(Date.now() - timeoutStartedMs).toBeGreaterThanOrEqual(60_000);
		}),
		200_000,
	);
});
