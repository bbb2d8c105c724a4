/**
 * Poll triggers for workflow tests: a node's `poll()` run as n8n 2.41 runs it, in n8n-core's real
 * `PollContext` through its `TriggersAndPollers` (credentials through the harness's credentials
 * helper, parameters and expressions resolved by the engine, the node's static data in the workflow).
 *
 * `poll()` is one scheduled poll (mode 'trigger'), `poll('manual')` the editor's "Fetch Test Event".
 * `restart()` is n8n stopping and starting again: a new workflow object whose static data is what
 * n8n would have stored (a JSON copy). What the poll emits can be run through the rest of the
 * workflow with `runWorkflow({ startNode: <trigger>, triggerItems })`.
 *
 * Left out: the cron schedule (tests call `poll()` themselves) and n8n's decision of when to save
 * static data (on an emit, and at activation): the copy `restart()` takes is always the latest.
 */
import { PollContext, TriggersAndPollers } from 'n8n-core';
import type { IDataObject, INode, INodeExecutionData } from 'n8n-workflow';
import type { Workflow } from 'n8n-workflow';
import { UserError } from 'n8n-workflow';

import { createAdditionalData } from './additional-data';
import type { CredentialsByType } from './credentials-helper';
import { HarnessCredentialsHelper } from './credentials-helper';
import { NodePackage } from './node-package';
import { activeWorkflow } from './run-workflow';
import type { WorkflowJson } from './run-workflow';

export interface PollerOptions {
	workflow: WorkflowJson;
	/** Directory of the package whose built nodes are used (as for `runWorkflow`). */
	nodePackageDir: string;
	credentials?: CredentialsByType;
	/** Name of the poll node. Default: the workflow's only poll node. */
	pollNode?: string;
	/** The workflow's static data to start from (what n8n stored before a restart). */
	staticData?: IDataObject;
}

export interface Poller {
	/** One poll: the items it emits (its first output), or null when it emits nothing. */
	poll(mode?: 'trigger' | 'manual'): Promise<INodeExecutionData[] | null>;
	/** The workflow's static data as n8n would store it (a JSON copy). */
	staticData(): IDataObject;
	/** The same workflow after an n8n restart: a new poller starting from `staticData()`. */
	restart(): Promise<Poller>;
}

export async function startPoller(options: PollerOptions): Promise<Poller> {
	const nodePackage = await NodePackage.load(options.nodePackageDir);
	const workflow = activeWorkflow(options.workflow, nodePackage, 'poll', options.staticData);
	const node = findPollNode(workflow, options.pollNode);
	const additionalData = createAdditionalData(
		new HarnessCredentialsHelper(nodePackage, { ...options.credentials }),
	);
	const pollers = new TriggersAndPollers();
	const staticData = () => JSON.parse(JSON.stringify(workflow.staticData)) as IDataObject;

	return {
		async poll(mode = 'trigger') {
			// What the poll emits is its return value; n8n's scheduler passes it to __emit.
			const context = new PollContext(workflow, node, additionalData, mode, 'activate');
			const output = await pollers.runPollFunction(workflow, node, context);
			return output?.[0] ?? null;
		},
		staticData,
		restart: async () => await startPoller({ ...options, staticData: staticData() }),
	};
}

function findPollNode(workflow: Workflow, name: string | undefined): INode {
	const pollNodes = workflow.getPollNodes();
	const node = name === undefined ? pollNodes[0] : workflow.getNode(name);
	if (!node || (name === undefined && pollNodes.length !== 1)) {
		throw new UserError(
			`Cannot tell which poll node to run (poll nodes: ${pollNodes.map((n) => n.name).join(', ') || 'none'}): pass \`pollNode\``,
		);
	}
	return node;
}
