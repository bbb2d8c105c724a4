import type { INodePropertyOptions, INodeProperties } from 'n8n-workflow';

import type { OperationMap } from '../../shared/execution';
import { toolDescriptionType, toolDescriptions } from '../../shared/toolDescription';
import * as batch from './batch.operation';
import * as dispatch from './dispatch.operation';
import * as dispatchAndWait from './dispatchAndWait.operation';
import * as getConfiguration from './getConfiguration.operation';

/**
 * The node's one resource. It exists for n8n's AI Agent: n8n names a tool after the chosen
 * operation's `action` (and, when its Tool Description is set automatically, describes it so) only
 * when the operation selector is shown for a resource. Workflows saved before it existed have no
 * `resource` and get this default, so they keep running.
 */
export const AGENT_RESOURCE = 'agent';

export const operations: OperationMap = {
	[AGENT_RESOURCE]: {
		dispatch: { perItem: dispatch.execute },
		[dispatchAndWait.OPERATION]: {
			allItems: dispatchAndWait.execute,
			notAsTool: 'a tool call cannot wait for the conversation to end',
		},
		batch: { allItems: batch.execute },
		getConfiguration: { perItem: getConfiguration.execute },
	},
};

// `action` is what n8n names a new node (and so an AI agent's tool) after, and what its nodes panel
// lists: it says what happens and to whom, briefly. What the model reads is `toolTexts` below.
const operationOptions: INodePropertyOptions[] = [
	{
		name: 'Batch',
		value: 'batch',
		action: 'Dispatch calls or messages to many customers',
		description:
			'Have the agent call or WhatsApp many customers at once: every input item is one customer, sent in Batch requests of up to Rows Per Call rows',
	},
	{
		name: 'Dispatch',
		value: 'dispatch',
		action: 'Dispatch a call or message to a customer',
		description:
			'Have the agent call or WhatsApp one customer now, such as "call this customer about order 1212"; returns the created conversation and its ID',
	},
	{
		name: 'Dispatch and Wait',
		value: dispatchAndWait.OPERATION,
		action: 'Dispatch a call or message and wait for its end',
		description:
			'Have the agent call or WhatsApp one customer, wait until the conversation ends, and continue with what the agent extracted',
	},
	{
		name: 'Get Configuration',
		value: 'getConfiguration',
		action: 'Get the agent configuration',
		description:
			"Read the agent's name, status, channels (WhatsApp, Voice), variables and extraction fields; calls no one",
	},
];

/**
 * The operation selector. An AI agent's tool (the node type ending in "Tool", which n8n's `@tool`
 * display option tells apart) is not offered Dispatch and Wait: a tool call cannot wait. The full
 * list comes first, as n8n reads an operation's `action` from the first selector that lists it.
 */
function operationProperty(forTool: boolean): INodeProperties {
	return {
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		default: 'dispatch',
		options: forTool
			? operationOptions.filter((option) => option.value !== dispatchAndWait.OPERATION)
			: operationOptions,
		// n8n versions without `@tool` read it as undefined: they show the full list, and routing
		// refuses Dispatch and Wait in a tool call (`notAsTool`).
		displayOptions: forTool
			? { show: { resource: [AGENT_RESOURCE], '@tool': [true] } }
			: { show: { resource: [AGENT_RESOURCE] }, hide: { '@tool': [true] } },
	};
}

/** What an AI agent's model reads about each operation's tool (Dispatch and Wait is no tool). */
const toolTexts = {
	dispatch:
		"Start a conversation with one customer now: the Velents AI agent calls or WhatsApps the customer's phone (a real call or message). Returns the created conversation: its id (the conversation ID), phone, status and values.",
	batch:
		'Start conversations with many customers at once: the Velents AI agent calls or WhatsApps every customer given (real calls or messages). Returns one result per customer: sent, phone, values, and the batch with its id and status.',
	getConfiguration:
		"Read the Velents AI agent's configuration; contacts no one. Returns its name, status, channels (WhatsApp, Voice) with their IDs, the variables a dispatch fills (values) and the fields the agent extracts from a conversation (extraction).",
};

export const properties: INodeProperties[] = [
	{
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		default: AGENT_RESOURCE,
		options: [{ name: 'Agent', value: AGENT_RESOURCE }],
	},
	operationProperty(false),
	operationProperty(true),
	toolDescriptionType,
	...toolDescriptions(AGENT_RESOURCE, toolTexts),
	...dispatch.description,
	...dispatchAndWait.description,
	...batch.description,
	...getConfiguration.description,
];
