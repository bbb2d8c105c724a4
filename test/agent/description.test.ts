import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { operations } from '../../nodes/VelentsAgent/actions/operations';
import { VelentsAgent } from '../../nodes/VelentsAgent/VelentsAgent.node';

const node = new VelentsAgent();
const { description } = node;

/** Names of the parameters the editor shows, with defaults filled in as n8n does. */
const visible = (operation: string, extra: Record<string, string> = {}) => {
	const values = NodeHelpers.getNodeParameters(
		description.properties,
		{ operation, ...extra },
		true,
		false,
		null,
		null,
	);
	return description.properties
		.filter((property) => NodeHelpers.displayParameter(values ?? {}, property, null, description))
		.map((property) => property.name);
};

describe('Velents Agent description', () => {
	test('an action node an AI agent can use as a tool', () => {
		expect(description).toMatchObject({
			name: 'velentsAgent',
			usableAsTool: true,
			inputs: ['main'],
			outputs: ['main'],
			credentials: [{ name: 'velentsAgentApi', required: true }],
			icon: { light: 'file:../../icons/velents.svg', dark: 'file:../../icons/velents.dark.svg' },
		});
		expect(description.subtitle).toBeTruthy();
	});

	test('the three operations, sorted, each with an action, all routed', () => {
		const selector = description.properties.find(
			(property) => property.name === 'operation',
		) as INodeProperties;
		expect(selector.displayOptions).toEqual({ show: { resource: ['agent'] } });
		const options = selector.options as INodePropertyOptions[];
		expect(options.map((option) => option.name)).toEqual([
			'Batch',
			'Dispatch',
			'Get Configuration',
		]);
		expect(options.every((option) => option.action && option.description)).toBe(true);
		expect(Object.keys(operations.agent).sort()).toEqual(
			options.map((option) => String(option.value)).sort(),
		);
		expect('allItems' in operations.agent.batch).toBe(true);
		expect('perItem' in operations.agent.dispatch).toBe(true);
	});

	test('each operation shows its own parameters', () => {
		expect(visible('dispatch')).toEqual([
			'resource',
			'operation',
			'channelId',
			'phone',
			'variablesInput',
			'variables',
			'checkVariables',
			'webhook',
			'requestSettings',
		]);
		expect(visible('dispatch', { variablesInput: 'json' })).toContain('variablesJson');
		expect(visible('dispatch', { variablesInput: 'json' })).not.toContain('variables');
		expect(visible('batch')).toEqual([
			'resource',
			'operation',
			'channelId',
			'phone',
			'variablesInput',
			'variables',
			'checkVariables',
			'batchSettingsNotice',
			'batchName',
			'rowsPerCall',
			'webhook',
			'requestSettings',
		]);
		expect(visible('getConfiguration')).toEqual(['resource', 'operation', 'requestSettings']);
	});

	test('variables: a resource mapper of the agent variables, added field by field', () => {
		const mapper = description.properties.find(
			(property) => property.name === 'variables',
		) as INodeProperties;
		expect(mapper.type).toBe('resourceMapper');
		expect(mapper.typeOptions?.resourceMapper).toMatchObject({
			resourceMapperMethod: 'getVariables',
			mode: 'add',
			fieldWords: { singular: 'variable', plural: 'variables' },
		});
		expect(Object.keys(node.methods.resourceMapping)).toContain('getVariables');
		expect(Object.keys(node.methods.loadOptions)).toContain('getChannels');
	});

	test('parameter defaults resolve', () => {
		const parameters = NodeHelpers.getNodeParameters(
			description.properties,
			{ operation: 'batch' },
			true,
			false,
			null,
			null,
		);
		expect(parameters).toMatchObject({
			resource: 'agent',
			operation: 'batch',
			rowsPerCall: 500,
			batchName: '',
			variablesInput: 'mapper',
		});
	});
});
