import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { operations } from '../../nodes/VelentsAgent/actions/operations';
import { VelentsAgent } from '../../nodes/VelentsAgent/VelentsAgent.node';
import { visibleParameters } from '../helpers/description';

const node = new VelentsAgent();
const { description } = node;

const visible = (operation: string, extra: Record<string, string | boolean> = {}) =>
	visibleParameters(description, { operation, ...extra });

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

	test('the four operations, sorted, each with an action, all routed', () => {
		const selector = description.properties.find(
			(property) => property.name === 'operation',
		) as INodeProperties;
		// The full list, for the node; its AI-agent tool variant has a selector of its own.
		expect(selector.displayOptions).toEqual({
			show: { resource: ['agent'] },
			hide: { '@tool': [true] },
		});
		const options = selector.options as INodePropertyOptions[];
		expect(options.map((option) => option.name)).toEqual([
			'Batch',
			'Dispatch',
			'Dispatch and Wait',
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
			'skipDispatched',
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
			'skipDispatched',
			'requestSettings',
		]);
		expect(visible('getConfiguration')).toEqual(['resource', 'operation', 'requestSettings']);
	});

	test('Skip Contacts Already Dispatched: off by default; on, it shows its key, scope, retention and reset', () => {
		const settings = ['dispatchKey', 'dispatchKeyScope', 'dispatchKeysKept', 'forgetDispatched'];
		for (const operation of ['dispatch', 'batch']) {
			expect(visible(operation)).not.toContain('dispatchKey');
			const on = visible(operation, { skipDispatched: true });
			expect(on.slice(on.indexOf('skipDispatched') + 1, -1)).toEqual(settings);
		}
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
