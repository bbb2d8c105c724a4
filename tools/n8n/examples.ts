/**
 * The example workflows in `examples/` (n8n editor exports), and how the dev mode and the
 * end-to-end test put them into an n8n:
 *
 * - credentials are referenced by name ("Velents Agent account", "Velents Support account"): the
 *   import points every reference at the credential created for that type;
 * - example 1's webhook link is example 2's Production URL on a default local n8n
 *   (`http://localhost:5678/webhook/<webhookId>/webhook`): the import rewrites that base to the
 *   running n8n's `WEBHOOK_URL` everywhere, in the sticky notes as in the nodes' fields, so that
 *   what a note shows is what the workflow uses;
 * - example 7b calls example 7a as a sub-workflow, chosen by name (the editor's "From list", whose
 *   `cachedResultName` the export keeps): the import points it at 7a's id in that n8n.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';

import {
	DEFAULT_AGENT_TOKEN,
	DEFAULT_SUPPORT_TOKEN,
	DEFAULT_WEBHOOK_SECRET,
} from '../sandbox/server';
import type { CredentialEntity, N8nApi, WorkflowEntity, WorkflowFile, WorkflowNode } from './api';

export const EXAMPLES_DIR = path.resolve(__dirname, '..', '..', 'examples');

export const EXAMPLES = {
	dispatch: '1-dispatch-agent-for-new-orders.json',
	followUp: '2-follow-up-on-ended.json',
	campaign: '3-campaign-batch.json',
	supportSync: '4-support-center-sync.json',
	agentReply: '5-new-agent-reply.json',
	// Imported before 7b, which calls it as a sub-workflow.
	waitForOrder: '7a-call-one-customer-and-wait.json',
	waitPerOrder: '7b-call-and-wait-per-order.json',
} as const;
export type ExampleKey = keyof typeof EXAMPLES;

/**
 * The AI Agent example: it needs a chat model's credential, which the playground does not have, so
 * it is imported by the end-to-end test (with its fake model), not with the others.
 */
export const AI_AGENT_EXAMPLE = '6-ai-agent-complaint.json';

/** The credential names the examples reference, per credential type. */
export const EXAMPLE_CREDENTIAL_NAMES = {
	velentsAgentApi: 'Velents Agent account',
	velentsSupportApi: 'Velents Support account',
} as const;
export type VelentsCredentialType = keyof typeof EXAMPLE_CREDENTIAL_NAMES;

/** The n8n base URL the shipped examples assume (a default local n8n). */
export const EXAMPLE_WEBHOOK_BASE_URL = 'http://localhost:5678/';
/** The manual trigger's name in examples 1, 3 and 4 (n8n's default for that node). */
export const MANUAL_TRIGGER_NAME = 'When clicking ‘Execute workflow’';

export async function readExample(key: ExampleKey): Promise<WorkflowFile> {
	return await readExampleFile(EXAMPLES[key]);
}

export async function readExampleFile(file: string): Promise<WorkflowFile> {
	return JSON.parse(await readFile(path.join(EXAMPLES_DIR, file), 'utf8')) as WorkflowFile;
}

/** The trigger node of example 2 (the one with a `webhookId`). */
export function followUpTrigger(workflow: WorkflowFile): WorkflowNode & { webhookId: string } {
	const trigger = workflow.nodes.find(
		(node) => node.type === 'n8n-nodes-velents.velentsAgentTrigger',
	);
	if (!trigger?.webhookId)
		throw new Error(`${workflow.name}: no Velents Agent Trigger with a webhookId.`);
	return trigger as WorkflowNode & { webhookId: string };
}

/**
 * A trigger's Production URL, as n8n 2.41 builds it for a node with a `webhookId` (the trigger's
 * webhook path is `webhook`): `<WEBHOOK_URL>webhook/<webhookId>/webhook`.
 */
export function productionWebhookUrl(
	webhookBaseUrl: string,
	webhookId: string,
	webhookPath = 'webhook',
): string {
	return `${webhookBaseUrl.replace(/\/?$/, '/')}webhook/${webhookId}/${webhookPath}`;
}

/** The example with its credential references and its example webhook base made to fit an n8n. */
export function prepareExample(
	workflow: WorkflowFile,
	options: {
		credentials: Partial<Record<string, CredentialEntity>>;
		webhookBaseUrl: string;
		/** Ids of the workflows already in that n8n, by name: for sub-workflow references. */
		workflowIds?: Record<string, string>;
	},
): WorkflowFile {
	const base = options.webhookBaseUrl.replace(/\/?$/, '/');
	const rewrite = (value: unknown): unknown => {
		if (typeof value === 'string') return value.split(EXAMPLE_WEBHOOK_BASE_URL).join(base);
		if (Array.isArray(value)) return value.map(rewrite);
		if (typeof value === 'object' && value !== null) {
			const referenced = workflowReference(value, options.workflowIds ?? {});
			if (referenced) return referenced;
			return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, rewrite(inner)]));
		}
		return value;
	};
	const nodes = workflow.nodes.map((node) => {
		// Sticky notes too: a note must show the URL the node beside it really uses.
		const prepared: WorkflowNode = {
			...node,
			parameters: rewrite(node.parameters) as Record<string, unknown>,
		};
		if (node.credentials) {
			prepared.credentials = Object.fromEntries(
				Object.keys(node.credentials).map((type) => {
					const credential = options.credentials[type];
					if (!credential)
						throw new Error(
							`${workflow.name}: no credential of type ${type} to point "${node.name}" at.`,
						);
					return [type, { id: credential.id, name: credential.name }];
				}),
			);
		}
		return prepared;
	});
	return { ...workflow, nodes };
}

/** A workflow chosen "From list" (`{__rl, cachedResultName, value}`), pointed at its id here. */
function workflowReference(
	value: object,
	workflowIds: Record<string, string>,
): Record<string, unknown> | undefined {
	const locator = value as { __rl?: unknown; cachedResultName?: unknown };
	if (locator.__rl !== true || typeof locator.cachedResultName !== 'string') return undefined;
	const id = workflowIds[locator.cachedResultName];
	return id === undefined ? undefined : { ...locator, value: id, mode: 'list' };
}

export interface SandboxCredentialsOptions {
	sandboxUrl: string;
	/** The Agent credential's webhook secret; default the sandbox's (so its events are accepted). */
	webhookSecret?: string;
}

/** What the two credentials hold when they point at the sandbox. */
export function sandboxCredentialData(
	options: SandboxCredentialsOptions,
): Record<VelentsCredentialType, Record<string, unknown>> {
	return {
		velentsAgentApi: {
			token: DEFAULT_AGENT_TOKEN,
			baseUrl: options.sandboxUrl,
			rateLimitWindowSeconds: 60,
			webhookSecret: options.webhookSecret ?? DEFAULT_WEBHOOK_SECRET,
		},
		velentsSupportApi: {
			token: DEFAULT_SUPPORT_TOKEN,
			baseUrl: options.sandboxUrl,
			rateLimitWindowSeconds: 60,
		},
	};
}

/** Creates both credentials, named as the examples reference them, pointing at the sandbox. */
export async function createSandboxCredentials(
	api: N8nApi,
	options: SandboxCredentialsOptions,
): Promise<Record<VelentsCredentialType, CredentialEntity>> {
	const data = sandboxCredentialData(options);
	const created = {} as Record<VelentsCredentialType, CredentialEntity>;
	for (const type of Object.keys(EXAMPLE_CREDENTIAL_NAMES) as VelentsCredentialType[]) {
		created[type] = await api.createCredential({
			name: EXAMPLE_CREDENTIAL_NAMES[type],
			type,
			data: data[type],
		});
	}
	return created;
}

export interface ImportedExample {
	key: ExampleKey;
	file: string;
	workflow: WorkflowEntity;
	prepared: WorkflowFile;
}

/** Imports every example (inactive), in order; returns them by key. */
export async function importExamples(
	api: N8nApi,
	options: { credentials: Partial<Record<string, CredentialEntity>>; webhookBaseUrl: string },
): Promise<Record<ExampleKey, ImportedExample>> {
	const imported = {} as Record<ExampleKey, ImportedExample>;
	const workflowIds: Record<string, string> = {};
	for (const key of Object.keys(EXAMPLES) as ExampleKey[]) {
		const prepared = prepareExample(await readExample(key), { ...options, workflowIds });
		const workflow = await api.createWorkflow(prepared);
		workflowIds[prepared.name] = workflow.id;
		imported[key] = { key, file: EXAMPLES[key], workflow, prepared };
	}
	return imported;
}
