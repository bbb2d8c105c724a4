import { NodeConnectionTypes } from 'n8n-workflow';

import { HISTORY_ROLES } from '../../nodes/shared/contract';
import { VelentsSupportTrigger } from '../../nodes/VelentsSupportTrigger/VelentsSupportTrigger.node';

const { description } = new VelentsSupportTrigger();
const property = (name: string) =>
	description.properties.find((candidate) => candidate.name === name);

describe('Velents Support Trigger description', () => {
	test('is a polling trigger on the Support credential: no inputs, one output, not a tool', () => {
		expect(description).toMatchObject({
			name: 'velentsSupportTrigger',
			displayName: 'Velents Support Trigger',
			group: ['trigger'],
			polling: true,
			inputs: [],
			outputs: [NodeConnectionTypes.Main],
			credentials: [{ name: 'velentsSupportApi', required: true }],
			icon: { light: 'file:../../icons/velents.svg', dark: 'file:../../icons/velents.dark.svg' },
		});
		expect(description).not.toHaveProperty('usableAsTool');
	});

	test('New Message from agents is the default: "agent replies" is one setting', () => {
		expect(property('event')?.default).toBe('newMessage');
		expect(property('roles')?.default).toEqual(['agent']);
		expect(property('roles')?.options?.map((option) => 'value' in option && option.value)).toEqual([
			...HISTORY_ROLES,
		]);
	});

	test('a poll spends at most 10 requests by default: a third of the documented 30 a minute', () => {
		expect(property('requestsPerPoll')?.default).toBe(10);
	});
});
