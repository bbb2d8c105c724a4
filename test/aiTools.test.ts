/**
 * What an AI agent's model reads about the Velents tools, as n8n builds it from the node
 * description (n8n-workflow's own NodeHelpers, the release the package is built against; n8n 1.94
 * and later build it the same way, and the end-to-end test reads it from each pinned n8n): each
 * operation a tool of its own, named by its `action` and described by its `toolDescription`.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import type { INode, INodeParameters, INodeProperties, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes, NodeHelpers } from 'n8n-workflow';

import { VelentsAgent } from '../nodes/VelentsAgent/VelentsAgent.node';
import { VelentsSupport } from '../nodes/VelentsSupport/VelentsSupport.node';

/** The node's tool variant, as n8n makes it from the node's description. */
function asTool(description: INodeTypeDescription): INodeTypeDescription {
	return {
		...description,
		name: `${description.name}Tool`,
		inputs: [],
		outputs: [NodeConnectionTypes.AiTool],
	};
}

/** Parameters as n8n runs a node: the saved ones plus the defaults of those it shows. */
function withDefaults(description: INodeTypeDescription, saved: INodeParameters): INodeParameters {
	const node = { typeVersion: 1 } as INode;
	return NodeHelpers.getNodeParameters(
		description.properties,
		saved,
		true,
		false,
		node,
		description,
	) as INodeParameters;
}

/** The node as n8n runs it in a tool call. */
function toolNode(description: INodeTypeDescription, saved: INodeParameters): INode {
	const tool = asTool(description);
	const parameters = withDefaults(tool, saved);
	return {
		id: 'tool-1',
		name: NodeHelpers.makeNodeName(parameters, tool),
		type: `n8n-nodes-velents.${tool.name}`,
		typeVersion: 1,
		position: [0, 0],
		parameters,
	};
}

function toolDescription(description: INodeTypeDescription, saved: INodeParameters): string {
	return NodeHelpers.getToolDescriptionForNode(toolNode(description, saved), {
		description: asTool(description),
	});
}

const agent = new VelentsAgent().description;
const support = new VelentsSupport().description;

const selectors = (description: INodeTypeDescription): INodeProperties[] =>
	description.properties.filter((property) => property.name === 'operation');

describe('the Velents nodes as AI agent tools', () => {
	test('each Velents Agent tool says what the operation does, to whom, and what it returns', () => {
		expect(toolDescription(agent, { operation: 'dispatch' })).toBe(
			"Start a conversation with one customer now: the Velents AI agent calls or WhatsApps the customer's phone (a real call or message). Returns the created conversation: its id (the conversation ID), phone, status and values.",
		);
		expect(toolDescription(agent, { operation: 'batch' })).toBe(
			'Start conversations with many customers at once: the Velents AI agent calls or WhatsApps every customer given (real calls or messages). Returns one result per customer: sent, phone, values, and the batch with its id and status.',
		);
		expect(toolDescription(agent, { operation: 'getConfiguration' })).toBe(
			"Read the Velents AI agent's configuration; contacts no one. Returns its name, status, channels (WhatsApp, Voice) with their IDs, the variables a dispatch fills (values) and the fields the agent extracts from a conversation (extraction).",
		);
	});

	test('the Create a ticket tool names the ids it returns', () => {
		expect(toolDescription(support, { resource: 'ticket', operation: 'create' })).toBe(
			"Open a new Velents Support Center ticket for a customer's case, for the support team to handle. Returns the ticket: its public_id (to read it again) and conversation_id (to send messages into it or read them), then subject, status, priority and customer.",
		);
	});

	test('a Velents Agent tool saved before the node had a resource is described the same', () => {
		expect(toolDescription(agent, { resource: 'agent', operation: 'dispatch' })).toBe(
			toolDescription(agent, { operation: 'dispatch' }),
		);
	});

	test('a tool saved with n8n’s own Tool Description keeps a description set by hand, and gets the operation’s text instead of the automatic one', () => {
		const saved = { resource: 'ticket', operation: 'create' };
		expect(
			toolDescription(support, {
				...saved,
				descriptionType: 'manual',
				toolDescription: 'Open a ticket',
			}),
		).toBe('Open a ticket');
		expect(toolDescription(support, { ...saved, descriptionType: 'auto' })).toBe(
			toolDescription(support, saved),
		);
	});

	test('choosing another operation in the editor puts that operation’s text in the Description', () => {
		// What n8n's editor does on a change: drop the defaults, set the value, fill the defaults in again.
		const tool = asTool(agent);
		const shown = withDefaults(tool, { operation: 'dispatch' });
		const changed = NodeHelpers.getNodeParameters(
			tool.properties,
			shown,
			false,
			false,
			{ typeVersion: 1 } as INode,
			tool,
		) as INodeParameters;
		changed.operation = 'getConfiguration';
		expect(withDefaults(tool, changed).toolDescription).toBe(
			toolDescription(agent, { operation: 'getConfiguration' }),
		);
	});

	test('the nodes themselves, outside an AI agent, have no tool description', () => {
		const node = withDefaults(support, { resource: 'ticket', operation: 'create' });
		expect(Object.keys(node)).not.toContain('toolDescription');
		expect(Object.keys(node)).not.toContain('descriptionType');
		expect(Object.keys(withDefaults(agent, { operation: 'dispatch' }))).not.toContain(
			'toolDescription',
		);
	});

	test('every operation of both nodes: a distinct description with its result, and a distinct tool name that n8n accepts', () => {
		const tools = everyTool();
		expect(tools).toHaveLength(9);
		expect(new Set(tools.map((tool) => tool.description)).size).toBe(tools.length);
		expect(new Set(tools.map((tool) => tool.toolName)).size).toBe(tools.length);
		for (const tool of tools) {
			expect(tool.description).toMatch(/^[A-Z][^.]+Velents[^]*\. Returns [^]+\.$/);
			// OpenAI and n8n take at most 64 characters; longer names are cut.
			expect(tool.toolName.length).toBeLessThanOrEqual(64);
		}
	});
});

/** Every tool the two nodes offer: one per operation (Dispatch and Wait is none). */
function everyTool(): Array<{ nodeName: string; toolName: string; description: string }> {
	return [agent, support].flatMap((description) =>
		selectors(description)
			// The operations a tool offers: Velents Agent's tool selector, not the node's.
			.filter((selector) => !selector.displayOptions?.hide?.['@tool']?.includes(true))
			.flatMap((selector) =>
				(selector.options ?? []).map((option) => {
					const parameters = {
						resource: selector.displayOptions?.show?.resource?.[0] as string,
						operation: (option as { value: string }).value,
					};
					const nodeName = toolNode(description, parameters).name;
					return {
						nodeName,
						toolName: nodeName.replace(/[^a-zA-Z0-9_-]+/g, '_'),
						description: toolDescription(description, parameters),
					};
				}),
			),
	);
}

const readmeSection = (): string => {
	const readme = readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
	const start = readme.indexOf('## Using the action nodes as AI-agent tools');
	return readme.slice(start, readme.indexOf('\n## ', start + 1));
};

test('the README quotes every tool’s name and description as n8n gives them to the model', () => {
	const rows = new Map(
		[...readmeSection().matchAll(/^\| ([^|]+ in Velents (?:Agent|Support)) \| (.+) \|$/gm)].map(
			(row) => [row[1], row[2]],
		),
	);
	expect(Object.fromEntries(rows)).toEqual(
		Object.fromEntries(everyTool().map((tool) => [tool.nodeName, tool.description])),
	);
});

describe('the README’s ready-made $fromAI expressions', () => {
	const fromAiCalls = (text: string): string[] =>
		[...text.matchAll(/\$fromAI\('[^']+', "[^"]+", '\w+'\)/g)].map((match) => match[0]).sort();

	test('are the ones example 6 runs in the end-to-end test, each with a description', () => {
		const example = readFileSync(
			path.join(__dirname, '..', 'examples', '6-ai-agent-complaint.json'),
			'utf8',
		);
		const inReadme = [...new Set(fromAiCalls(readmeSection()))];
		const inExample = [...new Set(fromAiCalls(example.replace(/\\"/g, '"')))];
		expect(inReadme).toHaveLength(7);
		expect(inReadme).toEqual(inExample);
	});
});
