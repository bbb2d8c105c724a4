/**
 * Workflow-test harness: runs n8n workflow JSON through n8n-core's real engine
 * (Workflow, WorkflowExecute, ExecutionLifecycleHooks, expressions, httpRequestWithAuthentication)
 * against a package's built nodes. See harness.test.ts for worked examples.
 */
// Must stay first: sets n8n's environment before n8n-core resolves any configuration.
import './env';

export { HARNESS_START_NODE_TYPE } from './start-node';
export type { CredentialsByType } from './credentials-helper';
export { startPoller } from './poll';
export type { Poller, PollerOptions } from './poll';
export { readWorkflowJson, runWorkflow } from './run-workflow';
export type { RunWorkflowOptions, WorkflowJson, WorkflowRunResult } from './run-workflow';
export { harnessDeduplicationStore, InMemoryDeduplicationStore } from './deduplication';
