/**
 * Every field an error, a notice or a description points at is named exactly as the panel shows it:
 * its display name, and inside a collection its path ("Webhook > Link"), so that a builder finds it.
 */
import type {
	INodeProperties,
	INodePropertyCollection,
	INodePropertyOptions,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { VelentsAgent } from '../../nodes/VelentsAgent/VelentsAgent.node';
import { VelentsSupport } from '../../nodes/VelentsSupport/VelentsSupport.node';
import { VelentsSupportApi } from '../../credentials/VelentsSupportApi.credentials';
import { fieldPath } from '../../nodes/shared/panelNames';
import type { MockContextOptions, ParameterValue } from '../helpers/mockContext';
import { createExecuteContext } from '../helpers/mockContext';

type Option = INodePropertyOptions | INodeProperties | INodePropertyCollection;

/** Every field of a description as the panel names it: "Phone", "Webhook > Link", … */
function panelPaths(properties: readonly Option[], parent: string[] = []): string[] {
	return properties.flatMap((property) => {
		if (!('displayName' in property)) return [];
		const path = [...parent, property.displayName];
		const children =
			'values' in property
				? property.values
				: 'options' in property && property.type !== 'options' && property.type !== 'multiOptions'
					? (property.options ?? [])
					: [];
		return [fieldPath(...path), ...panelPaths(children, path)];
	});
}

/** The fields a message points at: `"…" field`, and paths into Request Settings. */
function namedFields(text: string): string[] {
	return [
		...[...text.matchAll(/Fix the "([^"]+)" field/g)].map((match) => match[1]),
		...(text.match(/Request Settings > [^.)]+\)/g) ?? []),
	];
}

async function failureOf(
	node: VelentsAgent | VelentsSupport,
	parameters: Record<string, ParameterValue>,
	options: MockContextOptions = {},
): Promise<NodeOperationError | NodeApiError> {
	const { context } = createExecuteContext({ ...options, parameters });
	try {
		await node.execute.call(context);
	} catch (error) {
		if (error instanceof NodeOperationError || error instanceof NodeApiError) return error;
		throw error;
	}
	throw new Error('The node did not fail');
}

const agent = new VelentsAgent();
const support = new VelentsSupport();
const dispatch = {
	operation: 'dispatch',
	checkVariables: false,
	channelId: 2,
	phone: '+201145803442',
	variablesInput: 'json',
	variablesJson: '{}',
	webhook: {},
	requestSettings: {},
};
const createTicket = {
	resource: 'ticket',
	operation: 'create',
	subject: 'Order 1212',
	additionalFields: {},
	requestSettings: {},
};

const cases: Array<
	[string, INodeTypeDescription, () => Promise<Error & { description?: unknown }>]
> = [
	[
		'Dispatch, bad channel',
		agent.description,
		() => failureOf(agent, { ...dispatch, channelId: 'x' }),
	],
	['Dispatch, bad phone', agent.description, () => failureOf(agent, { ...dispatch, phone: '12' })],
	[
		'Dispatch, variables not JSON',
		agent.description,
		() => failureOf(agent, { ...dispatch, variablesJson: '{x' }),
	],
	[
		'Dispatch, webhook link not a URL',
		agent.description,
		() => failureOf(agent, { ...dispatch, webhook: { link: 'n8n.example.com' } }),
	],
	[
		'Dispatch, webhook body fields not an object',
		agent.description,
		() => failureOf(agent, { ...dispatch, webhook: { link: 'https://x.test', body: '[1]' } }),
	],
	[
		'Dispatch, a timeout',
		agent.description,
		() =>
			failureOf(agent, dispatch, {
				http: () => {
					throw Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' });
				},
			}),
	],
	[
		'Create ticket, bad e-mail',
		support.description,
		() => failureOf(support, { ...createTicket, additionalFields: { customerEmail: 'x' } }),
	],
	[
		'Create ticket, bad customer phone',
		support.description,
		() => failureOf(support, { ...createTicket, additionalFields: { customerPhone: '12' } }),
	],
	[
		'Create ticket, metadata not JSON',
		support.description,
		() => failureOf(support, { ...createTicket, additionalFields: { metadata: '{x' } }),
	],
	[
		'Create ticket, extra body fields not an object',
		support.description,
		() => failureOf(support, { ...createTicket, additionalFields: { extraFields: '[1]' } }),
	],
	[
		'Create ticket, empty subject',
		support.description,
		() => failureOf(support, { ...createTicket, subject: ' ' }),
	],
	[
		'Get ticket, the rate limit would need a longer wait than allowed',
		support.description,
		() =>
			failureOf(
				support,
				{
					resource: 'ticket',
					operation: 'get',
					ticketId: 'TCK-1',
					requestSettings: { maxWaitSeconds: 1 },
				},
				{ http: () => ({ statusCode: 429, headers: { 'retry-after': '600' } }) },
			),
	],
];

describe('errors name the field as the panel shows it', () => {
	test.each(cases)('%s', async (_, description, fail) => {
		const error = await fail();
		const text = `${error.message}\n${String(error.description ?? '')}`;
		const named = namedFields(text);
		expect(named.length).toBeGreaterThan(0);
		const paths = panelPaths(description.properties);
		for (const field of named)
			expect({ field, inThePanel: paths.includes(field) }).toEqual({ field, inThePanel: true });
	});

	test('an item that fails says how to let the others go on with n8n’s own setting, On Error', async () => {
		const error = await failureOf(agent, { ...dispatch, phone: '12' });
		expect(error.description).toContain('set the node’s Settings > On Error to "Continue"');
		expect(error.description).not.toContain('Continue On Fail');
	});
});

describe('descriptions and notices name fields and operations as the panel shows them', () => {
	test('the Batch notice lists the run-wide settings by their panel names', () => {
		const notice = agent.description.properties.find((p) => p.name === 'batchSettingsNotice');
		const paths = panelPaths(agent.description.properties);
		const listed = String(notice?.displayName)
			.split(' apply to the whole batch')[0]
			.split(/, | and /);
		expect(listed).toEqual([
			'Channel Name or ID',
			'Batch Name',
			'Rows Per Call',
			'Webhook',
			'Request Settings',
		]);
		for (const name of listed) expect(paths).toContain(name);
	});

	test('the Support texts name the Ticket operations as the panel lists them', () => {
		const texts = JSON.stringify(support.description.properties);
		expect(texts).not.toContain('Create Ticket');
		expect(texts).not.toContain('Get Ticket');
		const ticketOperations = support.description.properties
			.filter((p) => p.name === 'operation' && p.displayOptions?.show?.resource?.includes('ticket'))
			.flatMap((p) => (p.options as INodePropertyOptions[]).map((option) => option.name));
		expect(ticketOperations).toEqual(expect.arrayContaining(['Create', 'Get']));
	});

	test('the Support credential’s rejection names its Tenant Token and Base URL fields', () => {
		const credential = new VelentsSupportApi();
		const message = String(credential.test.rules?.[0]?.properties.message);
		for (const field of ['Tenant Token', 'Base URL']) {
			expect(message).toContain(field);
			expect(credential.properties.map((property) => property.displayName)).toContain(field);
		}
	});
});
