import type { INodePropertyOptions } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { CALL_EVENTS, CONVERSATION_EVENTS } from '../../nodes/shared/contract';
import { VelentsAgentTrigger } from '../../nodes/VelentsAgentTrigger/VelentsAgentTrigger.node';

const { description } = new VelentsAgentTrigger();
const property = (name: string) =>
	description.properties.find((candidate) => candidate.name === name);

describe('Velents Agent Trigger description', () => {
	test('is a trigger: no inputs, one main output, not usable as a tool', () => {
		expect(description).toMatchObject({
			name: 'velentsAgentTrigger',
			displayName: 'Velents Agent Trigger',
			group: ['trigger'],
			inputs: [],
			outputs: [NodeConnectionTypes.Main],
			icon: { light: 'file:../../icons/velents.svg', dark: 'file:../../icons/velents.dark.svg' },
		});
		expect(description.subtitle).toBeTruthy();
		expect(description).not.toHaveProperty('usableAsTool');
	});

	test('requires the Velents Agent API credential', () => {
		expect(description.credentials).toEqual([{ name: 'velentsAgentApi', required: true }]);
	});

	test('listens with POST at path "webhook" and answers on receipt', () => {
		expect(description.webhooks).toEqual([
			{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'webhook' },
		]);
	});

	test('tells the user where the production URL goes, and what no secret means', () => {
		const notices = description.properties.filter((candidate) => candidate.type === 'notice');
		const text = notices.map((notice) => notice.displayName).join(' ');
		expect(text).toContain('Production URL');
		expect(text).toContain('Webhook URL');
		expect(text).toContain('anyone who knows the URL can start this workflow');
	});

	test('offers the four conversation events, the three call events, Any Call Event and Any Event', () => {
		const values = (property('events')?.options as INodePropertyOptions[]).map(
			(option) => option.value,
		);
		expect(values).toEqual(
			expect.arrayContaining([...CONVERSATION_EVENTS, ...CALL_EVENTS, 'call:*', '*']),
		);
		expect(values).toHaveLength(CONVERSATION_EVENTS.length + CALL_EVENTS.length + 2);
	});

	test('lists event options alphabetically by name', () => {
		const names = (property('events')?.options as INodePropertyOptions[]).map(
			(option) => option.name,
		);
		expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
	});

	test('filters: only this agent’s events by default, no required fields by default', () => {
		expect(property('onlyThisAgent')).toMatchObject({ type: 'boolean', default: true });
		expect(property('requiredExtractionFields')).toMatchObject({ type: 'string', default: '' });
	});

	test('the webhook lifecycle is complete', () => {
		const methods = new VelentsAgentTrigger().webhookMethods.default;
		expect(Object.keys(methods).sort()).toEqual(['checkExists', 'create', 'delete']);
	});
});
