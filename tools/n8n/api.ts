/**
 * A typed client for the parts of n8n 2.41's internal REST API (`/rest/*`, cookie auth) that the
 * dev mode and the end-to-end test use. Routes and payloads as read in n8n 2.41.1's code, and the
 * same in 1.123.81 but for what its profile (profile.ts) says (the manual run's body):
 *
 * - `POST /rest/owner/setup` {email, firstName, lastName, password}: first-run owner; sets the cookie
 * - `POST /rest/login` {emailOrLdapLoginId, password}: sets the `n8n-auth` cookie
 * - `GET /types/nodes.json`, `GET /types/credentials.json`: the loaded node and credential types
 * - `POST /rest/credentials` {name, type, data}; `POST /rest/credentials/test` {credentials: {id, name, type, data}}
 * - `POST /rest/workflows` {name, nodes, connections, settings, …} → {id, versionId, …} (1.x: and `active: false`)
 * - `POST /rest/workflows/:id/activate` {versionId}: n8n 2.x "publish" (registers production webhooks)
 * - `POST /rest/workflows/:id/run` {triggerToStartFrom: {name}} → {executionId}: a manual execution
 *   (1.x: {workflowData, triggerToStartFrom})
 * - `GET /rest/executions?filter={"workflowId":…}` → {results, count}; `GET /rest/executions/:id`
 * - `POST /rest/executions/:id/retry` {loadWorkflow: false}: the executions list's "Retry with original
 *   workflow" (an execution that failed or crashed; it resumes after the nodes that had finished)
 *
 * Every answer is `{data: …}`; every call has a timeout.
 */
import { n8nProfile } from './profile';
import type { N8nProfile } from './profile';
import { selectedN8n } from './version';

/** A workflow as n8n exports it (the examples' files) and as the REST API takes it. */
export interface WorkflowNode {
	id: string;
	name: string;
	type: string;
	typeVersion: number;
	position: [number, number];
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
	webhookId?: string;
	disabled?: boolean;
}

export interface WorkflowFile {
	name: string;
	nodes: WorkflowNode[];
	connections: Record<string, unknown>;
	settings?: Record<string, unknown>;
	pinData?: Record<string, unknown>;
	meta?: Record<string, unknown>;
}

export interface OwnerAccount {
	email: string;
	firstName: string;
	lastName: string;
	password: string;
}

export interface NodeTypeDescription {
	name: string;
	displayName: string;
	description: string;
	/** From the node's codex file (`*.node.json`): what the editor's node picker searches. */
	codex?: { alias?: string[]; categories?: string[] };
	version: number | number[];
	group: string[];
	iconUrl?: string | { light: string; dark: string };
	credentials?: Array<{ name: string; required?: boolean }>;
	webhooks?: unknown[];
}

export interface CredentialTypeDescription {
	name: string;
	displayName: string;
	iconUrl?: string | { light: string; dark: string };
	properties: Array<{ name: string; type: string }>;
}

export interface CredentialEntity {
	id: string;
	name: string;
	type: string;
}

export interface WorkflowEntity {
	id: string;
	name: string;
	versionId: string;
	active: boolean;
	activeVersionId?: string | null;
	nodes: WorkflowFile['nodes'];
}

export type ExecutionStatus =
	| 'new'
	| 'running'
	| 'success'
	| 'error'
	| 'canceled'
	| 'crashed'
	| 'waiting'
	| 'unknown';

export interface ExecutionSummary {
	id: string;
	workflowId: string;
	workflowName?: string;
	mode: string;
	status: ExecutionStatus;
	startedAt: string | null;
	stoppedAt: string | null;
}

export interface ExecutionDetail extends ExecutionSummary {
	/** n8n's flatted (`flatted.stringify`) run data. */
	data: string;
}

export class N8nApiError extends Error {
	constructor(
		message: string,
		readonly status: number,
		readonly body: unknown,
	) {
		super(message);
		this.name = 'N8nApiError';
	}
}

/** n8n checks a browser id on cookie-authenticated REST requests (`/rest/*`); any fixed one passes. */
const BROWSER_ID = 'n8n-nodes-velents-scripts';

const FINISHED: readonly ExecutionStatus[] = ['success', 'error', 'canceled', 'crashed'];

export class N8nApi {
	private cookie = '';

	constructor(
		readonly baseUrl: string,
		private readonly timeoutMs = 30_000,
		/** The n8n major's differences; default the selected n8n's (`VELENTS_N8N_VERSION`, else 2.41.1). */
		readonly profile: N8nProfile = n8nProfile(selectedN8n().major),
	) {}

	// ---------------------------------------------------------------- auth

	/** Sets up the instance owner (first run) and keeps the session cookie. */
	async setupOwner(owner: OwnerAccount): Promise<void> {
		await this.request('POST', '/rest/owner/setup', owner);
	}

	async login(email: string, password: string): Promise<void> {
		await this.request('POST', '/rest/login', { emailOrLdapLoginId: email, password });
	}

	// ---------------------------------------------------------------- types

	async nodeTypes(): Promise<NodeTypeDescription[]> {
		return await this.request<NodeTypeDescription[]>('GET', '/types/nodes.json', undefined, {
			unwrap: false,
		});
	}

	async credentialTypes(): Promise<CredentialTypeDescription[]> {
		return await this.request<CredentialTypeDescription[]>(
			'GET',
			'/types/credentials.json',
			undefined,
			{ unwrap: false },
		);
	}

	/** GETs a path of n8n's (an icon, say) with the session; returns the status and content type. */
	async head(path: string): Promise<{ status: number; contentType: string | null; body: string }> {
		const response = await fetch(new URL(path, `${this.baseUrl}/`), {
			headers: { cookie: this.cookie, 'browser-id': BROWSER_ID },
			signal: AbortSignal.timeout(this.timeoutMs),
		});
		return {
			status: response.status,
			contentType: response.headers.get('content-type'),
			body: await response.text(),
		};
	}

	// ---------------------------------------------------------------- credentials

	async createCredential(credential: {
		name: string;
		type: string;
		data: Record<string, unknown>;
	}): Promise<CredentialEntity> {
		return await this.request<CredentialEntity>('POST', '/rest/credentials', credential);
	}

	async listCredentials(): Promise<CredentialEntity[]> {
		return await this.request<CredentialEntity[]>('GET', '/rest/credentials');
	}

	/** n8n's "Test" button: runs the credential type's `test` request. */
	async testCredential(
		credential: CredentialEntity,
		data: Record<string, unknown>,
	): Promise<{ status: 'OK' | 'Error'; message: string }> {
		return await this.request('POST', '/rest/credentials/test', {
			credentials: { id: credential.id, name: credential.name, type: credential.type, data },
		});
	}

	// ---------------------------------------------------------------- workflows

	async createWorkflow(workflow: WorkflowFile): Promise<WorkflowEntity> {
		const { name, nodes, connections, settings, pinData, meta } = workflow;
		return await this.request<WorkflowEntity>('POST', '/rest/workflows', {
			name,
			nodes,
			connections,
			settings,
			pinData,
			meta,
			...this.profile.newWorkflowFields,
		});
	}

	async getWorkflow(id: string): Promise<WorkflowEntity> {
		return await this.request<WorkflowEntity>('GET', `/rest/workflows/${encodeURIComponent(id)}`);
	}

	async listWorkflows(): Promise<WorkflowEntity[]> {
		return await this.request<WorkflowEntity[]>('GET', '/rest/workflows');
	}

	/** Activates ("publishes") the workflow's current version: its production webhooks go live. */
	async activateWorkflow(id: string, versionId: string): Promise<WorkflowEntity> {
		return await this.request<WorkflowEntity>(
			'POST',
			`/rest/workflows/${encodeURIComponent(id)}/activate`,
			{ versionId },
		);
	}

	/** Runs a workflow as the editor's "Execute workflow" does, from the named trigger. */
	async runManually(id: string, triggerName: string): Promise<string> {
		const result = await this.request<{ executionId?: string; waitingForWebhook?: boolean }>(
			'POST',
			`/rest/workflows/${encodeURIComponent(id)}/run`,
			await this.profile.manualRunBody(triggerName, () => this.getWorkflow(id)),
		);
		if (!result.executionId)
			throw new Error(`n8n started no execution for workflow ${id}: ${JSON.stringify(result)}`);
		return result.executionId;
	}

	// ---------------------------------------------------------------- executions

	async listExecutions(filter: { workflowId?: string } = {}): Promise<ExecutionSummary[]> {
		const query = new URLSearchParams({ filter: JSON.stringify(filter), limit: '100' });
		const page = await this.request<{ results: ExecutionSummary[] }>(
			'GET',
			`/rest/executions?${query.toString()}`,
		);
		return page.results;
	}

	/** How many executions match (the list above shows 100 at most). */
	async countExecutions(
		filter: { workflowId?: string; status?: ExecutionStatus[] } = {},
	): Promise<number> {
		const query = new URLSearchParams({ filter: JSON.stringify(filter), limit: '1' });
		const page = await this.request<{ count: number }>(
			'GET',
			`/rest/executions?${query.toString()}`,
		);
		return page.count;
	}

	async getExecution(id: string): Promise<ExecutionDetail> {
		return await this.request<ExecutionDetail>('GET', `/rest/executions/${encodeURIComponent(id)}`);
	}

	/** Retries a failed or crashed execution as the editor does; resolves when the retry has finished. */
	async retryExecution(id: string): Promise<ExecutionSummary> {
		return await this.request<ExecutionSummary>(
			'POST',
			`/rest/executions/${encodeURIComponent(id)}/retry`,
			{ loadWorkflow: false },
		);
	}

	/** Polls until the execution has finished (any outcome); rejects after `timeoutMs`. */
	async waitForExecution(id: string, timeoutMs = 60_000): Promise<ExecutionDetail> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const execution = await this.getExecution(id).catch((error: unknown) => {
				if (error instanceof N8nApiError && error.status === 404) return null; // not saved yet
				throw error;
			});
			if (execution && FINISHED.includes(execution.status)) return execution;
			if (Date.now() > deadline) {
				throw new Error(
					`Execution ${id} had not finished after ${timeoutMs} ms (status ${execution?.status ?? 'not found'}).`,
				);
			}
			await new Promise((resolve) => setTimeout(resolve, 250));
		}
	}

	/** Polls the executions of a workflow until `count` exist and all have finished. */
	async waitForExecutions(
		workflowId: string,
		count: number,
		timeoutMs = 60_000,
	): Promise<ExecutionSummary[]> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const executions = await this.listExecutions({ workflowId });
			if (
				executions.length >= count &&
				executions.every((execution) => FINISHED.includes(execution.status))
			) {
				return executions;
			}
			if (Date.now() > deadline) {
				const seen =
					executions.map((execution) => `${execution.id}:${execution.status}`).join(', ') || 'none';
				throw new Error(
					`Workflow ${workflowId}: expected ${count} finished executions within ${timeoutMs} ms; saw ${seen}.`,
				);
			}
			await new Promise((resolve) => setTimeout(resolve, 250));
		}
	}

	// ---------------------------------------------------------------- transport

	private async request<T>(
		method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
		path: string,
		body?: unknown,
		options: { unwrap?: boolean } = {},
	): Promise<T> {
		const response = await fetch(`${this.baseUrl}${path}`, {
			method,
			headers: {
				...(body === undefined ? {} : { 'content-type': 'application/json' }),
				...(this.cookie ? { cookie: this.cookie } : {}),
				// n8n's browser-id check wants one on authenticated requests from browsers; harmless here.
				'browser-id': BROWSER_ID,
			},
			body: body === undefined ? undefined : JSON.stringify(body),
			signal: AbortSignal.timeout(this.timeoutMs),
		});
		const setCookie = response.headers.getSetCookie?.() ?? [];
		const auth = setCookie
			.map((value) => value.split(';')[0])
			.find((value) => value.startsWith('n8n-auth='));
		if (auth) this.cookie = auth;

		const text = await response.text();
		let parsed: unknown = text;
		try {
			parsed = text ? JSON.parse(text) : null;
		} catch {
			// not JSON: keep the text
		}
		if (!response.ok) {
			const message =
				typeof parsed === 'object' && parsed !== null && 'message' in parsed
					? String((parsed as { message: unknown }).message)
					: text.slice(0, 500);
			throw new N8nApiError(
				`n8n ${method} ${path} → ${response.status}: ${message}`,
				response.status,
				parsed,
			);
		}
		if (options.unwrap === false) return parsed as T;
		return (parsed as { data: T }).data;
	}
}
