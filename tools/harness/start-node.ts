import type { INodeType, INodeTypeDescription, ITriggerResponse } from 'n8n-workflow';
import { MANUAL_TRIGGER_NODE_TYPE, NodeConnectionTypes } from 'n8n-workflow';

/** Node type of the harness's own start node. Its output is `runWorkflow`'s `triggerItems`. */
export const HARNESS_START_NODE_TYPE = 'n8n-workflow-harness.start';

/**
 * The harness runs workflows the way n8n runs a production execution started by a trigger:
 * the trigger's items are placed on the execution stack and `WorkflowExecute` passes them
 * straight through as the trigger node's output. So this node needs no logic of its own.
 */
class HarnessStart implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Harness Start',
		name: 'start',
		group: ['trigger'],
		version: 1,
		description: 'Emits the items given to runWorkflow as triggerItems',
		defaults: { name: 'Start' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
	};

	// Never called outside 'manual' mode (the harness uses 'trigger' mode); its presence is what
	// makes n8n treat the node as a trigger (Workflow.getStartNode, WorkflowExecute.runNode).
	async trigger(): Promise<ITriggerResponse> {
		return {};
	}
}

/**
 * Start node types the harness provides itself. n8n-nodes-base is not installed, so its
 * Manual Trigger is stood in for too: a workflow exported from the editor runs unchanged and
 * its Manual Trigger emits `triggerItems` (by default one empty item, like the real one).
 */
export const builtInStartNodeTypes: ReadonlyMap<string, INodeType> = new Map([
	[HARNESS_START_NODE_TYPE, new HarnessStart()],
	[MANUAL_TRIGGER_NODE_TYPE, new HarnessStart()],
]);
