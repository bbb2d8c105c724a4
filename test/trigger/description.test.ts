import { readFileSync } from 'node:fs';
import path from 'node:path';

import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { VelentsAgentApi } from '../../credentials/VelentsAgentApi.credentials';
import { CALL_EVENTS, CONVERSATION_EVENTS } from '../../nodes/shared/contract';
import { VelentsAgent } from '../../nodes/VelentsAgent/VelentsAgent.node';
import { VelentsAgentTrigger } from '../../nodes/VelentsAgentTrigger/VelentsAgentTrigger.node';

const { description } = new VelentsAgentTrigger();
const property = (name: string) =>
	description.properties.find((candidate) => candidate.name === name);

/** Every text a property shows: its name, description and hint, and those of its options. */
function textsOf(candidate: INodeProperties): string[] {
	const options = (candidate.options ?? []) as Array<INodeProperties | INodePropertyOptions>;
	return [
		candidate.displayName,
		candidate.description ?? '',
		candidate.hint ?? '',
		...options.flatMap((option) =>
			'displayName' in option ? textsOf(option) : [option.name, option.description ?? ''],
		),
	];
}

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

	test('listens with POST at path "webhook"; n8n answers an accepted event with the node’s answer', () => {
		expect(description.webhooks).toEqual([
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				responseData: '',
				path: 'webhook',
			},
		]);
	});

	test('tells the user where the production URL goes, and what no secret means', () => {
		const notices = description.properties.filter((candidate) => candidate.type === 'notice');
		const text = notices.map((notice) => notice.displayName).join(' ');
		expect(text).toContain('Production URL');
		expect(text).toContain('anyone who knows the URL can start this workflow');
	});

	test('the setup notice names the Velents Agent node’s field as its panel shows it: Webhook → Link', () => {
		const agentWebhook = new VelentsAgent().description.properties.find(
			(candidate) => candidate.name === 'webhook',
		);
		const link = (agentWebhook?.options as INodeProperties[] | undefined)?.find(
			(option) => option.name === 'link',
		);
		expect([agentWebhook?.displayName, link?.displayName]).toEqual(['Webhook', 'Link']);
		expect(property('setupNotice')?.displayName).toContain(
			`<b>${agentWebhook?.displayName}</b> → <b>${link?.displayName}</b>`,
		);
	});

	test('no text of the trigger or its credential names a field the panel does not show, or says webhooks are registered', () => {
		const texts = [
			...description.properties.flatMap(textsOf),
			...new VelentsAgentApi().properties.map((field) => field.description ?? ''),
		].join('\n');
		expect(texts).not.toContain('Webhook URL');
		expect(texts).not.toMatch(/\bregisters\b|\bregistered\b/);
	});

	test('the Required Extraction Fields placeholder cannot be mistaken for a real value', () => {
		const placeholder = property('requiredExtractionFields')?.placeholder;
		expect(placeholder).toBe('e.g. field_a, field_b');
		const followUp = readFileSync(
			path.join(__dirname, '../../examples/2-follow-up-on-ended.json'),
			'utf8',
		);
		expect(followUp).toContain('customer_name, booking_time');
		expect(followUp).not.toContain(placeholder);
	});

	test('repeated deliveries are ignored unless the option turns it off', () => {
		const options = property('options')?.options as INodeProperties[];
		expect(options.find((option) => option.name === 'ignoreRepeatedDeliveries')).toMatchObject({
			displayName: 'Ignore Repeated Deliveries',
			type: 'boolean',
			default: true,
		});
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
