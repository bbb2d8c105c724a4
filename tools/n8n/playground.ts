/**
 * The steps that put the package into a real n8n next to the sandbox, shared by the dev mode
 * (`tools/dev.ts`) and the end-to-end test (`test/e2e/n8n.e2e.ts`).
 */
import { N8nApi } from './api';
import type { CredentialEntity, OwnerAccount } from './api';
import type { ExampleKey, ImportedExample, VelentsCredentialType } from './examples';
import {
	createSandboxCredentials,
	followUpTrigger,
	importExamples,
	productionWebhookUrl,
} from './examples';
import { sleep } from './process';
import { n8nProfile } from './profile';
import type { N8nServer } from './server';

/** The owner the dev mode and the test create (a scratch instance on loopback: not a secret). */
export const PLAYGROUND_OWNER: OwnerAccount = {
	email: 'dev@velents.local',
	firstName: 'Velents',
	lastName: 'Developer',
	password: 'Velents-Sandbox-1',
};

export const PACKAGE_NODE_TYPES = [
	'n8n-nodes-velents.velentsAgent',
	'n8n-nodes-velents.velentsAgentTrigger',
	'n8n-nodes-velents.velentsSupport',
	'n8n-nodes-velents.velentsSupportTrigger',
] as const;
export const PACKAGE_CREDENTIAL_TYPES = ['velentsAgentApi', 'velentsSupportApi'] as const;

/** Sets up the owner on a fresh instance and logs in; returns the authenticated client. */
export async function ownerSession(
	server: N8nServer,
	owner: OwnerAccount = PLAYGROUND_OWNER,
): Promise<N8nApi> {
	const api = new N8nApi(server.url, undefined, n8nProfile(server.major));
	await api.setupOwner(owner);
	await api.login(owner.email, owner.password);
	return api;
}

export interface ImportedPlayground {
	credentials: Record<VelentsCredentialType, CredentialEntity>;
	examples: Record<ExampleKey, ImportedExample>;
	/** Example 2's trigger Production URL on this n8n. */
	followUpUrl: string;
}

/** Both credentials pointing at the sandbox, the four examples, example 2 activated. */
export async function importPlayground(
	api: N8nApi,
	options: { server: N8nServer; sandboxUrl: string; webhookSecret?: string },
): Promise<ImportedPlayground> {
	const credentials = await createSandboxCredentials(api, {
		sandboxUrl: options.sandboxUrl,
		webhookSecret: options.webhookSecret,
	});
	const examples = await importExamples(api, {
		credentials,
		webhookBaseUrl: options.server.webhookBaseUrl,
	});
	const followUp = examples.followUp;
	await api.activateWorkflow(followUp.workflow.id, followUp.workflow.versionId);
	const followUpUrl = productionWebhookUrl(
		options.server.webhookBaseUrl,
		followUpTrigger(followUp.prepared).webhookId,
	);
	await waitForWebhook(followUpUrl);
	return { credentials, examples, followUpUrl };
}

/**
 * Waits until a production webhook is registered: an empty JSON object is answered 400 by the
 * trigger (no `event.type`; and 401 when a secret is set, since it carries none), 404 while n8n
 * does not know the path yet. Starts no execution either way.
 */
export async function waitForWebhook(url: string, timeoutMs = 30_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	let last = 'no answer';
	for (;;) {
		try {
			const response = await fetch(url, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: '{}',
				signal: AbortSignal.timeout(5000),
			});
			await response.arrayBuffer();
			if (response.status === 400 || response.status === 401) return;
			last = `HTTP ${response.status}`;
		} catch (error) {
			last = error instanceof Error ? error.message : String(error);
		}
		if (Date.now() > deadline)
			throw new Error(`The webhook ${url} was not live after ${timeoutMs} ms (${last}).`);
		await sleep(250);
	}
}
