/**
 * What differs between the n8n majors the scripts run (see version.ts), in ONE place: the rest of
 * the tooling (server.ts, api.ts, the end-to-end test) asks the profile instead of testing versions.
 * Everything else was read in both installs' code and is the same: owner setup and login
 * (`{emailOrLdapLoginId, password}` in 1.123 too), credentials and the credential test, workflow
 * create, `POST /rest/workflows/:id/activate {versionId}` (1.123 has it, with draft/publish off it
 * activates the current version), the executions list and detail, `/types/*.json`, and community
 * packages loaded from `<N8N_USER_FOLDER>/.n8n/nodes/node_modules` (`n8n-nodes-*` folders).
 */
import type { N8nTarget } from './version';

export interface ManualRunWorkflow {
	id: string;
}

export interface N8nProfile {
	major: N8nTarget['major'];
	/** Environment only this major knows (merged over the common one in `n8nEnvironment`). */
	environment: NodeJS.ProcessEnv;
	/**
	 * The body of `POST /rest/workflows/:id/run` for a full run from a named trigger.
	 * - 2.x (`ManualRunDto`): `{triggerToStartFrom: {name}}`; n8n reads the workflow from its database.
	 * - 1.x: `{workflowData, triggerToStartFrom: {name}}`, the whole workflow as the editor holds it
	 *   (`WorkflowsController.runManually` rejects a body without `workflowData.id`).
	 */
	manualRunBody(
		triggerName: string,
		workflow: () => Promise<ManualRunWorkflow>,
	): Promise<Record<string, unknown>>;
	/**
	 * Fields `POST /rest/workflows` needs besides the workflow's own. 1.x: `active: false` (its
	 * editor sends it; without it SQLite refuses the row: "NOT NULL constraint failed:
	 * workflow_entity.active"). 2.x: none.
	 */
	newWorkflowFields: Readonly<Record<string, unknown>>;
	/**
	 * Whether n8n's credential test shows the credential's `responseCode` rule message when the
	 * test request is refused (401). 2.x: yes. 1.123.81: no, n8n shows NodeApiError's generic
	 * "Authorization failed - please check your credentials" for every credential: its n8n-workflow
	 * 1.120.31 compiles `ExecutionBaseError.cause` as a class field, which resets the `cause` that
	 * `Error(message, {cause})` set, so `CredentialsTester` never sees `error.cause.response` and
	 * skips the rules. An n8n 1.x defect: the package's `test` block is the same on both.
	 */
	credentialTestRuleMessages: boolean;
}

/** What n8n 1.123.81 says instead of a credential's rule message (see `credentialTestRuleMessages`). */
export const N8N_1X_CREDENTIAL_REJECTED_MESSAGE =
	'Authorization failed - please check your credentials';

const PROFILES: Record<N8nTarget['major'], N8nProfile> = {
	2: {
		major: 2,
		environment: {
			// SSRF protection (2.x only) on, with only the sandbox's loopback address allowed.
			N8N_SSRF_PROTECTION_ENABLED: 'true',
			N8N_SSRF_ALLOWED_IP_RANGES: '127.0.0.1/32',
			// The catalogue of MCP servers (2.x only; 1.x refuses the module name): fetched from n8n's
			// servers by a system task at start, each failure logged with a stack trace when offline.
			N8N_DISABLED_MODULES: 'mcp-registry',
		},
		manualRunBody: async (triggerName) => ({ triggerToStartFrom: { name: triggerName } }),
		newWorkflowFields: {},
		credentialTestRuleMessages: true,
	},
	1: {
		major: 1,
		environment: {
			// n8n 1.x has no SSRF protection (no `N8N_SSRF_*` setting in its @n8n/config): nothing to allow.
			// Its default expression engine since 1.123.66, 'vm', runs expressions in isolated-vm 6, which
			// has no prebuilt binary for Node 20 (ABI 115) and does not compile against Node 20's V8
			// (`v8::SourceLocation`): on Node 20, n8n 1.123.81 exits at start with "Could not initialize
			// the vm expression engine". 'legacy' is n8n's other setting, the engine of every earlier 1.x.
			N8N_EXPRESSION_ENGINE: 'legacy',
		},
		manualRunBody: async (triggerName, workflow) => ({
			workflowData: await workflow(),
			triggerToStartFrom: { name: triggerName },
		}),
		newWorkflowFields: { active: false },
		credentialTestRuleMessages: false,
	},
};

export function n8nProfile(major: N8nTarget['major']): N8nProfile {
	return PROFILES[major];
}
