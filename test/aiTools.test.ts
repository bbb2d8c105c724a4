/**
 * What an AI agent's model reads about the Velents tools, as n8n builds it from the node
 * description (n8n-workflow's own NodeHelpers, the release the package is built against; n8n 1.94 and later
 * build it the same way): each operation a tool of its own, named and described by its `action`.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import type { INode, INodeParameters, INodeProperties, INodeTypeDescription } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { VelentsAgent } from '../nodes/VelentsAgent/VelentsAgent.node';
import { VelentsSupport } from '../nodes/VelentsSupport/VelentsSupport.node';

/** The node as n8n runs it in a tool call: saved parameters plus the defaults n8n fills in. */
function toolNode(description: INodeTypeDescription, saved: INodeParameters): INode {
	const parameters = NodeHelpers.getNodeParameters(
		description.properties,
		saved,
		true,
		false,
		null,
		description,
	) as INodeParameters;
	return {
		id: 'tool-1',
		name: NodeHelpers.makeNodeName(parameters, { ...description, name: `${description.name}Tool` }),
		type: `n8n-nodes-velents.${description.name}Tool`,
		typeVersion: 1,
		position: [0, 0],
		parameters,
	};
}

function toolDescription(description: INodeTypeDescription, saved: INodeParameters): string {
	return NodeHelpers.getToolDescriptionForNode(toolNode(description, saved), { description });
}

const agent = new VelentsAgent().description;
const support = new VelentsSupport().description;

const selectors = (description: INodeTypeDescription): INodeProperties[] =>
	description.properties.filter((property) => property.name === 'operation');

describe('the Velents nodes as AI agent tools', () => {
	test('every Velents Agent operation is described by what it does, not by the node', () => {
		expect(toolDescription(agent, { operation: 'dispatch' })).toBe(
			'Dispatch a call or message to a customer in Velents Agent',
		);
		expect(toolDescription(agent, { operation: 'batch' })).toBe(
			'Dispatch calls or messages to many customers in Velents Agent',
		);
		expect(toolDescription(agent, { operation: 'getConfiguration' })).toBe(
			'Get the agent configuration in Velents Agent',
		);
	});

	test('a Velents Agent tool saved before the node had a resource is described the same', () => {
		expect(toolDescription(agent, { resource: 'agent', operation: 'dispatch' })).toBe(
			toolDescription(agent, { operation: 'dispatch' }),
		);
	});

	test('every operation of both nodes: a distinct description and a distinct tool name that n8n accepts', () => {
		const tools = [agent, support].flatMap((description) => {
			// Each resource's operations once, even where a node has more than one selector for them.
			const saved = new Map<string, INodeParameters>();
			for (const selector of selectors(description)) {
				const resource = selector.displayOptions?.show?.resource?.[0] as string;
				for (const option of selector.options ?? []) {
					const operation = (option as { value: string }).value;
					saved.set(`${resource}.${operation}`, { resource, operation });
				}
			}
			return [...saved.values()].map((parameters) => ({
				description: toolDescription(description, parameters),
				toolName: toolNode(description, parameters).name.replace(/[^a-zA-Z0-9_-]+/g, '_'),
			}));
		});
		expect(tools).toHaveLength(9);
		expect(new Set(tools.map((tool) => tool.description)).size).toBe(tools.length);
		expect(new Set(tools.map((tool) => tool.toolName)).size).toBe(tools.length);
		for (const tool of tools) {
			expect(tool.description).not.toBe(agent.description);
			expect(tool.description).not.toBe(support.description);
			// OpenAI and n8n take at most 64 characters; longer names are cut.
			expect(tool.toolName.length).toBeLessThanOrEqual(64);
		}
	});
});

describe('the README’s ready-made $fromAI expressions', () => {
	const fromAiCalls = (text: string): string[] =>
		[...text.matchAll(/\$fromAI\('[^']+', "[^"]+", '\w+'\)/g)].map((match) => match[0]).sort();

	test('are the ones example 6 runs in the end-to-end test, each with a description', () => {
		const readme = readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
		const example = readFileSync(
			path.join(__dirname, '..', 'examples', '6-ai-agent-complaint.json'),
			'utf8',
		);
		const section = readme.slice(readme.indexOf('## Using the action nodes as AI-agent tools'));
		const inReadme = [...new Set(fromAiCalls(section))];
		const inExample = [...new Set(fromAiCalls(example.replace(/\\"/g, '"')))];
		expect(inReadme).toHaveLength(7);
		expect(inReadme).toEqual(inExample);
	});
});
