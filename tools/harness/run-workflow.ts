import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';

import { ExecutionLifecycleHooks, WorkflowExecute } from 'n8n-core';
import type {
	ExecutionError,
	IDataObject,
	ExecutionStatus,
	IConnections,
	INode,
	INodeExecutionData,
	IRun,
	IRunExecutionData,
	IWorkflowBase,
	IWorkflowSettings,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { STICKY_NODE_TYPE, UserError, Workflow, createRunExecutionData } from 'n8n-workflow';

import { createAdditionalData } from './additional-data';
import type { CredentialsByType } from './credentials-helper';
import { HarnessCredentialsHelper } from './credentials-helper';
import { harnessDeduplicationStore } from './deduplication';
import { NodePackage } from './node-package';

/** The parts of an n8n workflow export (editor "Download" / copy) that the harness runs. */
export interface WorkflowJson {
	name?: string;
	nodes: INode[];
	connections: IConnections;
	settings?: IWorkflowSettings;
}

export interface RunWorkflowOptions {
	workflow: WorkflowJson;
	/** Directory of the package whose built nodes/credentials (its package.json `n8n` section) are used. */
	nodePackageDir: string;
	/** Decrypted credential data keyed by credential type name. */
	credentials?: CredentialsByType;
	/** Output of the start node. Default: one empty item, like a Manual Trigger. */
	triggerItems?: INodeExecutionData[];
	/**
	 * Name of the node to start from. Default: the trigger node n8n would pick, else the only
	 * node without inputs (e.g. a webhook trigger).
	 */
	startNode?: string;
	/** The base of `$execution.resumeUrl`: a waiting-webhook server. Default: a URL nothing answers. */
	webhookWaitingBaseUrl?: string;
	/** The execution's id (`$execution.id`). Default: the next of `nextExecutionId`. */
	executionId?: string;
}

export interface WorkflowRunResult {
	/** The IRun WorkflowExecute resolved with. */
	run: IRun;
	status: ExecutionStatus;
	/** The error that stopped the run (a plain copy of the thrown error, as n8n stores it). */
	error: ExecutionError | undefined;
	/** Name of the node that failed, when `error` is set. */
	errorNode: string | undefined;
	/** Node names in the order they finished (one entry per node run). */
	executedNodes: string[];
	/** Items a node sent to one of its outputs. Throws if the node did not run. */
	outputOf(nodeName: string, outputIndex?: number, runIndex?: number): INodeExecutionData[];
}

// Run like a production execution started by a trigger: outside 'manual' mode WorkflowExecute
// does not run trigger functions but outputs the items it was started with, and expressions see
// $execution.mode 'production'.
export const MODE: WorkflowExecuteMode = 'trigger';

let executionCount = 0;

/** A fresh execution id, unique in this process. */
export function nextExecutionId(): string {
	return String(++executionCount);
}

/** Runs workflow JSON through n8n-core's WorkflowExecute and collects what each node output. */
export async function runWorkflow(options: RunWorkflowOptions): Promise<WorkflowRunResult> {
	const prepared = await prepareWorkflow(options);
	const startNode = findStartNode(prepared.workflow, options.startNode);
	// Work on copies so callers can reuse their fixtures (WorkflowExecute adds pairedItem to items).
	const triggerItems = structuredClone(options.triggerItems ?? [{ json: {} }]);
	const runExecutionData = createRunExecutionData({
		executionData: {
			nodeExecutionStack: [{ node: startNode, data: { main: [triggerItems] }, source: null }],
		},
	});
	return await execute(
		prepared,
		options,
		options.executionId ?? nextExecutionId(),
		runExecutionData,
	);
}

/**
 * Runs a waiting execution on from its stored run data, as n8n does when it resumes one (its wait
 * tracker at the limit, or a waiting webhook after changing the data): the same engine, the same
 * execution id, over `runExecutionData`.
 */
export async function continueWorkflow(
	options: RunWorkflowOptions,
	executionId: string,
	runExecutionData: IRunExecutionData,
): Promise<WorkflowRunResult> {
	return await execute(await prepareWorkflow(options), options, executionId, runExecutionData);
}

export interface PreparedWorkflow {
	workflow: Workflow;
	workflowData: IWorkflowBase;
	nodePackage: NodePackage;
}

/** The n8n Workflow for workflow JSON, with the package's built nodes. */
export async function prepareWorkflow(options: RunWorkflowOptions): Promise<PreparedWorkflow> {
	const nodePackage = await NodePackage.load(options.nodePackageDir);
	// The nodes' `helpers.checkProcessedAndRecord` and relatives need n8n-core's service initialised.
	await harnessDeduplicationStore();

	// Workflow fills in parameter defaults on the nodes it is given: work on copies.
	const {
		name = 'Harness workflow',
		nodes,
		connections,
		settings,
	} = structuredClone(options.workflow);
	const workflowData: IWorkflowBase = {
		id: 'harness-workflow',
		name,
		active: false,
		isArchived: false,
		activeVersionId: null,
		createdAt: new Date(),
		updatedAt: new Date(),
		// Sticky notes are editor-only and their node type lives in n8n-nodes-base.
		nodes: nodes.filter((node) => node.type !== STICKY_NODE_TYPE),
		connections,
		settings: settings ?? { executionOrder: 'v1' },
	};
	const workflow = new Workflow({ ...workflowData, nodeTypes: nodePackage });
	return { workflow, workflowData, nodePackage };
}

async function execute(
	{ workflow, workflowData, nodePackage }: PreparedWorkflow,
	options: RunWorkflowOptions,
	executionId: string,
	runExecutionData: IRunExecutionData,
): Promise<WorkflowRunResult> {
	const hooks = new ExecutionLifecycleHooks(MODE, executionId, workflowData);
	const executedNodes: string[] = [];
	hooks.addHandler('nodeExecuteAfter', (nodeName) => {
		executedNodes.push(nodeName);
	});

	const additionalData = createAdditionalData(
		new HarnessCredentialsHelper(nodePackage, { ...options.credentials }),
		{ executionId, hooks, webhookWaitingBaseUrl: options.webhookWaitingBaseUrl },
	);
	const run = await new WorkflowExecute(
		additionalData,
		MODE,
		runExecutionData,
	).processRunExecutionData(workflow);
	return toResult(run, executedNodes);
}

/**
 * The workflow as n8n holds an active one while its triggers listen or poll: a copy of the JSON,
 * with its own id and static data.
 */
export function activeWorkflow(
	json: WorkflowJson,
	nodeTypes: NodePackage,
	kind: 'webhook' | 'poll',
	staticData: IDataObject = {},
): Workflow {
	const copy = structuredClone(json);
	return new Workflow({
		id: `${kind}-workflow-${randomUUID()}`,
		name: copy.name ?? `Harness ${kind} workflow`,
		nodes: copy.nodes,
		connections: copy.connections,
		active: true,
		nodeTypes,
		staticData: structuredClone(staticData),
		settings: copy.settings ?? { executionOrder: 'v1' },
	});
}

/** Reads a workflow exported from the n8n editor. */
export function readWorkflowJson(filePath: string): WorkflowJson {
	return JSON.parse(readFileSync(filePath, 'utf8')) as WorkflowJson;
}

function findStartNode(workflow: Workflow, name: string | undefined): INode {
	if (name !== undefined) {
		const node = workflow.getNode(name);
		if (!node) throw new UserError(`No node named "${name}" in the workflow`);
		return node;
	}
	// n8n's own choice covers trigger/poll nodes and the Manual Trigger, not webhook nodes
	// (n8n starts those by name), so fall back to the workflow's only node without inputs.
	const roots = Object.values(workflow.nodes).filter(
		(node) => !node.disabled && workflow.getParentNodes(node.name).length === 0,
	);
	const node = workflow.getStartNode() ?? (roots.length === 1 ? roots[0] : undefined);
	if (!node) {
		throw new UserError(
			`Cannot tell which node starts the workflow (candidates: ${roots.map((root) => root.name).join(', ')}): pass \`startNode\``,
		);
	}
	return node;
}

function toResult(run: IRun, executedNodes: string[]): WorkflowRunResult {
	const { runData, error, lastNodeExecuted } = run.data.resultData;
	return {
		run,
		status: run.status,
		error,
		errorNode: error ? lastNodeExecuted : undefined,
		executedNodes,
		outputOf(nodeName, outputIndex = 0, runIndex = 0) {
			const task = runData[nodeName]?.[runIndex];
			if (!task) {
				throw new UserError(
					`Node "${nodeName}" has no run ${runIndex}. Nodes that ran: ${Object.keys(runData).join(', ') || 'none'}`,
				);
			}
			return task.data?.main?.[outputIndex] ?? [];
		},
	};
}
