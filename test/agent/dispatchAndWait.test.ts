/**
 * Dispatch and Wait's description and its pure parts. Its run in n8n's engine (waiting, resuming,
 * the limit) is in dispatchAndWait.workflow.test.ts.
 */
import type {
	INodeParameters,
	INodeProperties,
	INodePropertyOptions,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { CALL_EVENTS, CONVERSATION_EVENTS } from '../../nodes/shared/contract';
import * as dispatchAndWait from '../../nodes/VelentsAgent/actions/dispatchAndWait.operation';
import { VelentsAgent } from '../../nodes/VelentsAgent/VelentsAgent.node';
import { visibleParameters } from '../helpers/description';
import { createExecuteContext } from '../helpers/mockContext';

const { description } = new VelentsAgent();
/** n8n's tool variant of the node: the same description, its name ending in "Tool". */
const toolDescription: INodeTypeDescription = { ...description, name: 'velentsAgentTool' };

/** The operations the editor offers for a node of this description. */
function offeredOperations(nodeType: INodeTypeDescription): string[] {
	const selectors = nodeType.properties.filter(
		(property) =>
			property.name === 'operation' &&
			NodeHelpers.displayParameter({ resource: 'agent' }, property, null, nodeType),
	);
	expect(selectors).toHaveLength(1);
	return (selectors[0].options as INodePropertyOptions[]).map((option) => String(option.value));
}

const visible = (parameters: INodeParameters) => visibleParameters(description, parameters);

describe('Dispatch and Wait: what the editor shows', () => {
	test('Dispatch’s fields, Resume On, Limit Wait Time, webhook settings without a link, Skip Contacts Already Dispatched', () => {
		expect(visible({ operation: 'dispatchAndWait' })).toEqual([
			'resource',
			'operation',
			'channelId',
			'phone',
			'variablesInput',
			'variables',
			'checkVariables',
			'resumeOn',
			'limitType',
			'limitAmount',
			'limitUnit',
			'webhook',
			'skipDispatched',
			'requestSettings',
		]);
		expect(visible({ operation: 'dispatchAndWait', limitType: 'atSpecifiedTime' })).toContain(
			'limitDate',
		);
		expect(visible({ operation: 'dispatchAndWait', limitType: 'noLimit' })).not.toContain(
			'limitAmount',
		);
		const webhook = description.properties.find(
			(property) =>
				property.name === 'webhook' &&
				property.displayOptions?.show?.operation?.includes('dispatchAndWait'),
		) as INodeProperties;
		expect((webhook.options as INodeProperties[]).map((option) => option.name)).toEqual([
			'body',
			'headers',
		]);
	});

	test('every end event can be chosen, all chosen by default', () => {
		const resumeOn = description.properties.find(
			(property) => property.name === 'resumeOn',
		) as INodeProperties;
		expect(resumeOn.default).toEqual(['ended', 'call_done', 'call_failed', 'no_answer']);
	});

	test('one waiting webhook, never registered: restartWebhook, the node id as its path', () => {
		expect(description.webhooks).toEqual([
			expect.objectContaining({
				httpMethod: 'POST',
				path: '={{ $nodeId }}',
				restartWebhook: true,
				// n8n answers a resuming event with the node's `webhookResponse` only with this empty.
				responseData: '',
			}),
		]);
	});
});

describe('Dispatch and Wait and AI agents', () => {
	test('the node offers it; its tool variant offers every other operation but not it', () => {
		expect(offeredOperations(description)).toEqual([
			'batch',
			'dispatch',
			'dispatchAndWait',
			'getConfiguration',
		]);
		expect(offeredOperations(toolDescription)).toEqual(['batch', 'dispatch', 'getConfiguration']);
	});

	test('run as a tool anyway (an n8n without @tool, or a stale setting), it fails before sending anything (here with On Error: Stop Workflow; otherwise the model gets the same error as an item)', async () => {
		const { context, recorder } = createExecuteContext({
			parameters: { operation: 'dispatchAndWait', channelId: 2, phone: '+201145803442' },
		});
		const node = context.getNode();
		const asTool = {
			...context,
			getNode: () => ({ ...node, type: `${node.type}Tool`, onError: 'stopWorkflow' as const }),
		};

		await expect(new VelentsAgent().execute.call(asTool)).rejects.toThrow(
			'The operation "dispatchAndWait" cannot run as an AI agent tool: a tool call cannot wait for the conversation to end',
		);
		expect(recorder.requests).toHaveLength(0);
	});
});

describe('outcomeOf: which events end the wait', () => {
	test('the end of a conversation and each end of a call; nothing else', () => {
		expect(CONVERSATION_EVENTS.map(dispatchAndWait.outcomeOf)).toEqual([
			undefined,
			undefined,
			undefined,
			'ended',
		]);
		expect(CALL_EVENTS.map(dispatchAndWait.outcomeOf)).toEqual([
			'call_done',
			'call_failed',
			'no_answer',
		]);
		for (const other of ['onEnd', 'toString', '__proto__', 'constructor', ''])
			expect(dispatchAndWait.outcomeOf(other)).toBeUndefined();
	});
});
