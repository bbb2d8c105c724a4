/**
 * Velents Support Trigger run as n8n runs a poll node (n8n-core's PollContext, built from dist/),
 * against the sandbox, with tickets and messages added over time as Velents' side would add them.
 */
import type { INodeParameters } from 'n8n-workflow';

import { SUPPORT_PATHS } from '../../nodes/shared/contract';
import type { RecordedRequest, Sandbox } from '../../tools/sandbox/server';
import {
	DEFAULT_SUPPORT_TOKEN,
	READ_ONLY_SUPPORT_TOKEN,
	startSandbox,
} from '../../tools/sandbox/server';
import { startPoller } from '../../tools/harness';
import type { Poller, WorkflowJson } from '../../tools/harness';
import { PACKAGE_DIR, linearWorkflow, runFlow } from '../../tools/harness/workflows';

const TRIGGER = 'n8n-nodes-velents.velentsSupportTrigger';

let sandbox: Sandbox;
beforeAll(async () => {
	sandbox = await startSandbox({ autoReply: false });
});
afterAll(async () => await sandbox.close());
beforeEach(() => sandbox.reset());

// Each test its own credential id: the transport keeps a token's rate budget per credential.
let credentialCount = 0;

function triggerWorkflow(parameters: INodeParameters): WorkflowJson {
	return {
		nodes: [
			{
				id: 'trigger',
				name: 'Velents Support Trigger',
				type: TRIGGER,
				typeVersion: 1,
				position: [0, 0],
				parameters,
				credentials: {
					velentsSupportApi: { id: `support-${++credentialCount}`, name: 'Velents Support' },
				},
			},
		],
		connections: {},
	};
}

const credentials = (token = DEFAULT_SUPPORT_TOKEN, rateLimitWindowSeconds = 60) => ({
	velentsSupportApi: { token, baseUrl: sandbox.url, rateLimitWindowSeconds },
});

async function poller(parameters: INodeParameters, token?: string): Promise<Poller> {
	return await startPoller({
		workflow: triggerWorkflow(parameters),
		nodePackageDir: PACKAGE_DIR,
		credentials: credentials(token),
	});
}

/** API timestamps have whole seconds: records made after this are in a later second than the start. */
async function nextSecond(): Promise<void> {
	await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 5));
}

const json = (items: Awaited<ReturnType<Poller['poll']>>) => (items ?? []).map((item) => item.json);
const apiRequests = (): RecordedRequest[] => sandbox.requests();

/** The API requests the sandbox answered, read from its inspection API as an operator would. */
async function inspectedRequests(): Promise<RecordedRequest[]> {
	const response = await fetch(`${sandbox.url}/__sandbox/requests`);
	return ((await response.json()) as { data: RecordedRequest[] }).data;
}

describe('New Ticket', () => {
	const newTicket = { event: 'newTicket' };

	it('starts from now: the first poll emits nothing, later polls each new ticket once, as Get Ticket outputs it', async () => {
		// All in one second, as when the trigger is activated right after a ticket was opened:
		// the first poll's finds are the baseline, what comes after it is new.
		await nextSecond();
		sandbox.addTicket({ subject: 'Before the trigger' });
		const trigger = await poller(newTicket);
		expect(await trigger.poll()).toBeNull();

		const first = sandbox.addTicket({ subject: 'Card declined', priority: 'high' });
		sandbox.addTicket({ subject: 'Wrong size' });
		const emitted = json(await trigger.poll());
		expect(emitted.map((ticket) => ticket.subject)).toEqual(['Card declined', 'Wrong size']);
		expect(emitted[0]).toEqual(first);
		expect(await trigger.poll()).toBeNull();
	});

	it('Fetch Test Event shows the latest ticket and leaves the cursor alone', async () => {
		const trigger = await poller(newTicket);
		expect(await trigger.poll()).toBeNull();
		await nextSecond();
		sandbox.addTicket({ subject: 'Older' });
		sandbox.addTicket({ subject: 'Latest' });
		expect(json(await trigger.poll('manual')).map((ticket) => ticket.subject)).toEqual(['Latest']);
		expect(json(await trigger.poll()).map((ticket) => ticket.subject)).toEqual(['Older', 'Latest']);
	});

	it('follows a list longer than a page from its end, without reading it all', async () => {
		for (let index = 0; index < 230; index++) sandbox.addTicket({ subject: `Old ${index}` });
		await nextSecond();
		const trigger = await poller(newTicket);
		expect(await trigger.poll()).toBeNull();
		expect(apiRequests().map((request) => request.query.page)).toEqual(['1', '3']);
		for (let index = 0; index < 80; index++) sandbox.addTicket({ subject: `New ${index}` });
		const before = apiRequests().length;
		const emitted = json(await trigger.poll());
		expect(emitted).toHaveLength(80);
		expect(emitted[0].subject).toBe('New 0');
		expect(
			apiRequests()
				.slice(before)
				.map((request) => request.query.page),
		).toEqual(['3', '4']);
	});
});

describe('New Message', () => {
	it('emits only the chosen roles, each message once, with its conversation and ticket', async () => {
		const ticket = sandbox.addTicket({ subject: 'Refund', message: 'Where is my refund?' });
		const trigger = await poller({ event: 'newMessage', roles: ['agent'] });
		expect(await trigger.poll()).toBeNull();
		await nextSecond();

		sandbox.addMessage(ticket.conversation_id, { role: 'customer', message: 'Hello?' });
		sandbox.addMessage(ticket.conversation_id, { role: 'agent', message: 'Refund sent today' });
		sandbox.addMessage(ticket.conversation_id, { role: 'system', message: 'Closed by Sara' });
		const emitted = json(await trigger.poll());
		expect(emitted).toEqual([
			{
				conversation_id: String(ticket.conversation_id),
				id: expect.any(Number),
				role: 'agent',
				message: 'Refund sent today',
				created_at: expect.any(String),
				ticket_public_id: ticket.public_id,
			},
		]);
		expect(await trigger.poll()).toBeNull();
	});

	it('emits every message of a ticket opened after the trigger started', async () => {
		const trigger = await poller({ event: 'newMessage', roles: ['customer', 'agent'] });
		expect(await trigger.poll()).toBeNull();
		await nextSecond();
		const ticket = sandbox.addTicket({ subject: 'New case', message: 'My order is late' });
		sandbox.addMessage(ticket.conversation_id, { role: 'agent', message: 'Looking into it' });
		expect(json(await trigger.poll()).map((message) => message.message)).toEqual([
			'My order is late',
			'Looking into it',
		]);
	});

	it('watches given conversations, from a text or an expression that returns a list', async () => {
		const a = sandbox.addTicket({ subject: 'A' });
		const b = sandbox.addTicket({ subject: 'B' });
		const c = sandbox.addTicket({ subject: 'C' });
		await nextSecond();
		const trigger = await poller({
			event: 'newMessage',
			watch: 'conversationIds',
			conversationIds: `={{ [${a.conversation_id}, ${c.conversation_id}] }}`,
			roles: ['agent'],
		});
		expect(await trigger.poll()).toBeNull();
		for (const ticket of [a, b, c])
			sandbox.addMessage(ticket.conversation_id, { role: 'agent', message: ticket.subject });
		expect(json(await trigger.poll())).toEqual([
			expect.objectContaining({ message: 'A', ticket_public_id: null }),
			expect.objectContaining({ message: 'C', ticket_public_id: null }),
		]);
	});

	it('carries its cursor over a restart of n8n and over deactivate/activate: nothing lost, nothing twice', async () => {
		const ticket = sandbox.addTicket({ subject: 'Delivery' });
		const trigger = await poller({ event: 'newMessage', roles: ['agent'] });
		expect(await trigger.poll()).toBeNull();
		await nextSecond();
		sandbox.addMessage(ticket.conversation_id, { role: 'agent', message: 'one' });
		expect(json(await trigger.poll()).map((m) => m.message)).toEqual(['one']);

		// n8n stops; a reply arrives while it is down; n8n starts with the static data it stored.
		sandbox.addMessage(ticket.conversation_id, { role: 'agent', message: 'two' });
		const restarted = await trigger.restart();
		expect(json(await restarted.poll()).map((m) => m.message)).toEqual(['two']);
		sandbox.addMessage(ticket.conversation_id, { role: 'agent', message: 'three' });
		const reactivated = await restarted.restart();
		expect(json(await reactivated.poll()).map((m) => m.message)).toEqual(['three']);
		expect(await reactivated.poll()).toBeNull();
	});

	it('emits each agent reply exactly once over 100 polls while replies arrive during the polls', async () => {
		sandbox.configure({ rateLimit: { limit: 100_000 } });
		const tickets = Array.from({ length: 12 }, (_, index) =>
			sandbox.addTicket({ subject: `Case ${index}` }),
		);
		const trigger = await poller({ event: 'newMessage', roles: ['agent'], recentTicketCount: 20 });
		expect(await trigger.poll()).toBeNull();
		await nextSecond();

		let written = 0;
		const write = () => {
			const ticket = tickets[written % tickets.length];
			const role = written % 3 === 0 ? 'customer' : 'agent';
			sandbox.addMessage(ticket.conversation_id, { role, message: `reply ${written++}` });
		};
		// Replies land between the requests of a poll, as the poll reads the conversations.
		const onRequest = (request: RecordedRequest) => {
			if (request.path.endsWith('/history') && written < 600) write();
		};
		sandbox.events.on('request', onRequest);
		const emitted: string[] = [];
		try {
			for (let poll = 0; poll < 100; poll++) {
				write();
				emitted.push(...json(await trigger.poll()).map((m) => String(m.message)));
			}
		} finally {
			sandbox.events.off('request', onRequest);
		}
		// Polls without new replies until every conversation has had its turn again.
		for (let poll = 0; poll < 3; poll++)
			emitted.push(...json(await trigger.poll()).map((m) => String(m.message)));

		const agentReplies = tickets.flatMap((ticket) =>
			sandbox
				.messages(ticket.conversation_id)
				.filter((message) => message.role === 'agent')
				.map((message) => message.message),
		);
		expect(agentReplies.length).toBeGreaterThan(300);
		expect(new Set(emitted).size).toBe(emitted.length);
		expect([...emitted].sort()).toEqual([...agentReplies].sort());
	});
});

describe('within the rate limit', () => {
	// The figures of the README: 50 watched conversations, 10 requests a poll (a third of 30 a minute).
	it.each([
		{ watch: 'conversationIds', pollsPerRound: 5 },
		// One request a poll reads the ticket list, 9 are left for the conversations.
		{ watch: 'recentTickets', pollsPerRound: 6 },
	])(
		'watching 50 conversations ($watch): 10 requests a poll, a full round in $pollsPerRound polls',
		async ({ watch, pollsPerRound }) => {
			// Polls back to back here (n8n's are a minute apart): the sandbox's limit is out of the way.
			sandbox.configure({ rateLimit: { limit: 10_000 } });
			const tickets = Array.from({ length: 50 }, (_, index) =>
				sandbox.addTicket({ subject: `Case ${index}` }),
			);
			const trigger = await poller({
				event: 'newMessage',
				watch,
				conversationIds: tickets.map((ticket) => ticket.conversation_id).join(','),
				recentTicketCount: 50,
			});
			const perPoll: number[] = [];
			const read = new Set<string>();
			let polls = 0;
			while (read.size < 50 && polls < 20) {
				const before = (await inspectedRequests()).length;
				await trigger.poll();
				polls++;
				const requests = (await inspectedRequests()).slice(before);
				perPoll.push(requests.length);
				requests
					.filter((request) => request.path.endsWith('/history'))
					.forEach((request) => read.add(request.path));
			}
			expect(Math.max(...perPoll)).toBe(10);
			expect(polls).toBe(pollsPerRound);
		},
	);

	it('leaves the Velents Support node of the same token its share in every window: no 429, no wait', async () => {
		sandbox.configure({ rateLimit: { limit: 30, windowSeconds: 60 }, timeScale: 60 });
		const tickets = Array.from({ length: 40 }, (_, index) =>
			sandbox.addTicket({ subject: `Case ${index}` }),
		);
		const workflow = triggerWorkflow({
			event: 'newMessage',
			watch: 'conversationIds',
			conversationIds: tickets.map((ticket) => ticket.conversation_id).join(','),
		});
		// One "minute" of the time-scaled sandbox is one real second.
		const paced = credentials(DEFAULT_SUPPORT_TOKEN, 1);
		const trigger = await startPoller({
			workflow,
			nodePackageDir: PACKAGE_DIR,
			credentials: paced,
		});
		const credential = workflow.nodes[0].credentials;
		const getTickets = linearWorkflow({
			name: 'Get Ticket',
			type: 'n8n-nodes-velents.velentsSupport',
			parameters: {
				resource: 'ticket',
				operation: 'get',
				ticketId: { __rl: true, mode: 'id', value: tickets[0].public_id },
			},
		});
		getTickets.nodes[1].credentials = credential;
		for (let window = 0; window < 3; window++) {
			// The previous window (started by its first request) has ended.
			await new Promise((resolve) => setTimeout(resolve, 1100));
			const start = apiRequests().length;
			await trigger.poll();
			const support = await runFlow(
				getTickets,
				paced,
				Array.from({ length: 20 }, () => ({ json: {} })),
			);
			expect(support.status).toBe('success');
			const windowRequests = apiRequests().slice(start);
			expect(windowRequests.filter((r) => r.path.endsWith('/history'))).toHaveLength(10);
			expect(windowRequests.map((r) => r.status)).not.toContain(429);
		}
	});
});

describe('errors', () => {
	it('a rejected token (401) or a missing ability (403) is a clear error on the trigger', async () => {
		const ticket = sandbox.addTicket({ subject: 'x' });
		const trigger = await poller(
			{
				event: 'newMessage',
				watch: 'conversationIds',
				conversationIds: String(ticket.conversation_id),
			},
			'Sandbox_1_PersonalAccessToken_wrong',
		);
		await expect(trigger.poll()).rejects.toThrow(
			'Velents rejected the token of the "Velents Support API" credential (401)',
		);
		sandbox.configure({
			supportTokens: {
				[READ_ONLY_SUPPORT_TOKEN]: { tenant_id: 1, token_name: 'tickets only', abilities: [] },
			},
		});
		const forbidden = await poller({ event: 'newTicket' }, READ_ONLY_SUPPORT_TOKEN);
		await expect(forbidden.poll()).rejects.toThrow(
			'The token of the "Velents Support API" credential may not read tickets (403)',
		);
	});

	it('a given conversation that does not exist is named in the error', async () => {
		const trigger = await poller({
			event: 'newMessage',
			watch: 'conversationIds',
			conversationIds: '999',
		});
		await expect(trigger.poll()).rejects.toThrow('Conversation "999" was not found (404)');
	});

	it('a conversation ID that cannot be one is named before any request', async () => {
		const trigger = await poller({
			event: 'newMessage',
			watch: 'conversationIds',
			conversationIds: '12, ../tickets',
		});
		await expect(trigger.poll()).rejects.toThrow(
			'Conversation IDs: "../tickets" is not a conversation ID',
		);
		expect(apiRequests()).toEqual([]);
	});

	it('a message without a time fails the poll naming the field; one with only a timestamp is placed by it', async () => {
		const trigger = await poller({
			event: 'newMessage',
			watch: 'conversationIds',
			conversationIds: 'CNV-1',
			roles: ['agent'],
		});
		const answer = (messages: object[]) =>
			sandbox.injectFault({
				count: 1,
				path: SUPPORT_PATHS.history('CNV-1'),
				status: 200,
				body: { data: messages },
			});
		answer([]);
		expect(await trigger.poll()).toBeNull();
		answer([{ id: 7, role: 'agent', message: 'Shipped', timestamp: new Date().toISOString() }]);
		expect(json(await trigger.poll()).map((m) => m.message)).toEqual(['Shipped']);
		answer([{ id: 8, role: 'agent', message: 'When?' }]);
		await expect(trigger.poll()).rejects.toThrow(
			'Velents sent a message without a readable "created_at" or "timestamp", so new messages cannot be told from old ones',
		);
	});

	it.each([500, 503, 429])(
		'a %i skips the poll and keeps the cursor: the message comes next time',
		async (status) => {
			const ticket = sandbox.addTicket({ subject: 'x' });
			const trigger = await poller({ event: 'newMessage', roles: ['agent'] });
			expect(await trigger.poll()).toBeNull();
			await nextSecond();
			sandbox.addMessage(ticket.conversation_id, { role: 'agent', message: 'reply' });
			const conversations = () =>
				(trigger.staticData()['node:Velents Support Trigger'] as { conversations: unknown })
					.conversations;
			const cursor = conversations();
			sandbox.injectFault({
				count: 1,
				status,
				path: SUPPORT_PATHS.history(String(ticket.conversation_id)),
			});
			expect(await trigger.poll()).toBeNull();
			expect(conversations()).toEqual(cursor);
			expect(json(await trigger.poll()).map((m) => m.message)).toEqual(['reply']);
		},
	);
});
