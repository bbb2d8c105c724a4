import { ExternalSecretsProxy } from 'n8n-core';
import type { IWorkflowExecuteAdditionalData } from 'n8n-workflow';
import { UserError } from 'n8n-workflow';

import type { HarnessCredentialsHelper } from './credentials-helper';

/** The n8n instance the harness pretends to be; only read by nodes that build links back to n8n. */
export const HARNESS_BASE_URL = 'http://localhost:5678/';

/** What n8n-core's contexts read from additionalData: credentials, and links back to the instance. */
export function createAdditionalData(
	credentialsHelper: HarnessCredentialsHelper,
	execution: Pick<IWorkflowExecuteAdditionalData, 'executionId' | 'hooks'> = {},
): IWorkflowExecuteAdditionalData {
	const unsupported = (feature: string) => async (): Promise<never> => {
		throw new UserError(`The workflow harness does not support ${feature}`);
	};
	return {
		...execution,
		credentialsHelper,
		externalSecretsProxy: new ExternalSecretsProxy(),
		currentNodeExecutionIndex: 0,
		variables: {},
		instanceBaseUrl: HARNESS_BASE_URL,
		restApiUrl: `${HARNESS_BASE_URL}rest`,
		formBaseUrl: `${HARNESS_BASE_URL}form`,
		formWaitingBaseUrl: `${HARNESS_BASE_URL}form-waiting`,
		formTestBaseUrl: `${HARNESS_BASE_URL}form-test`,
		webhookBaseUrl: `${HARNESS_BASE_URL}webhook`,
		webhookWaitingBaseUrl: `${HARNESS_BASE_URL}webhook-waiting`,
		webhookTestBaseUrl: `${HARNESS_BASE_URL}webhook-test`,
		mcpBaseUrl: `${HARNESS_BASE_URL}mcp`,
		mcpTestBaseUrl: `${HARNESS_BASE_URL}mcp-test`,
		executeWorkflow: unsupported('sub-workflows'),
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		startRunnerTask: unsupported('task runners (Code node)'),
		logAiEvent: () => {},
	};
}
