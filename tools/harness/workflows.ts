/** Small builders for workflow JSON, so workflow tests read as the flows they run. */
import path from 'node:path';

import type { IDataObject, INode, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import {
	HARNESS_START_NODE_TYPE,
	runWorkflow,
	type CredentialsByType,
	type WorkflowJson,
} from './';

export const PACKAGE_DIR = path.resolve(__dirname, '..', '..');

const CREDENTIAL_OF_TYPE: Record<string, string> = {
	'n8n-nodes-velents.velentsSupport': 'velentsSupportApi',
	'n8n-nodes-velents.velentsAgent': 'velentsAgentApi',
	'n8n-nodes-velents.velentsAgentTrigger': 'velentsAgentApi',
};

export interface Step {
	name: string;
	type: string;
	parameters: INodeParameters;
	/** n8n's node setting: 'continueRegularOutput' is Continue On Fail. */
	onError?: INode['onError'];
}

/** Start → step 1 → step 2 → …, each step with its package credential attached. */
export function linearWorkflow(...steps: Step[]): WorkflowJson {
	const start: INode = {
		id: 'start',
		name: 'Start',
		type: HARNESS_START_NODE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
	const nodes: INode[] = [
		start,
		...steps.map((step, index): INode => {
			const credentialType = CREDENTIAL_OF_TYPE[step.type];
			return {
				id: `step-${index}`,
				name: step.name,
				type: step.type,
				typeVersion: 1,
				position: [(index + 1) * 220, 0],
				parameters: step.parameters,
				onError: step.onError,
				credentials: credentialType
					? { [credentialType]: { id: `${credentialType}-1`, name: credentialType } }
					: undefined,
			};
		}),
	];
	const connections: WorkflowJson['connections'] = {};
	nodes.slice(0, -1).forEach((node, index) => {
		connections[node.name] = { main: [[{ node: nodes[index + 1].name, type: 'main', index: 0 }]] };
	});
	return { nodes, connections };
}

export function items(...records: IDataObject[]): INodeExecutionData[] {
	return records.map((json) => ({ json }));
}

/** Runs the flow with this package's built nodes. */
export async function runFlow(
	workflow: WorkflowJson,
	credentials: CredentialsByType,
	triggerItems?: INodeExecutionData[],
) {
	return await runWorkflow({ workflow, nodePackageDir: PACKAGE_DIR, credentials, triggerItems });
}
