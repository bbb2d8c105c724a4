/**
 * What n8n's node picker shows of the Velents Agent nodes. n8n 2.41's picker merges an action node
 * and a trigger whose type name is the action's plus "Trigger" into ONE entry, in both the trigger
 * and the action context ("What happens next?"): the action's name and codex (what search reads,
 * with the aliases), and the TRIGGER's description. Dispatch must be visible from that entry.
 */
import codexOfAgent from '../../nodes/VelentsAgent/VelentsAgent.node.json';
import { VelentsAgent } from '../../nodes/VelentsAgent/VelentsAgent.node';
import codexOfTrigger from '../../nodes/VelentsAgentTrigger/VelentsAgentTrigger.node.json';
import { VelentsAgentTrigger } from '../../nodes/VelentsAgentTrigger/VelentsAgentTrigger.node';

const agent = new VelentsAgent().description;
const trigger = new VelentsAgentTrigger().description;

/** The entry n8n's picker makes of the two nodes (n8n's merge rule, as read in its editor code). */
const pickerEntry = {
	merged: trigger.name.replace('Trigger', '') === agent.name,
	name: agent.displayName,
	description: trigger.description,
	aliases: codexOfAgent.alias,
};

describe('the node picker’s "Velents Agent" entry', () => {
	test('is one entry for the action and the trigger, with the trigger’s description', () => {
		expect(pickerEntry.merged).toBe(true);
		expect(pickerEntry.name).toBe('Velents Agent');
	});

	test('its description says first what the actions do (call or WhatsApp customers, in batches), then the events', () => {
		const { description } = pickerEntry;
		expect(description).toMatch(/^Dispatch an Agent\.sa AI agent to call or WhatsApp customers/);
		expect(description).toContain('in batches');
		expect(description).toContain('start workflows on its conversation events');
	});

	test('search finds it by what the actions and the trigger are for: the aliases of both are on the entry', () => {
		expect(pickerEntry.aliases).toEqual(expect.arrayContaining(['dispatch', 'batch', 'campaign']));
		expect(pickerEntry.aliases).toEqual(expect.arrayContaining(codexOfTrigger.alias));
	});
});
