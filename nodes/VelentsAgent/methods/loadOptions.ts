import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { KNOWN_CHANNELS } from '../../shared/contract';
import { errorMessage } from '../../shared/execution';
import { readConfiguration } from './configuration';

/**
 * The channels of the agent, as its configuration lists them. When the configuration cannot be
 * read, or lists none, the channels known from the API contract are offered instead, and each
 * option says so (the reason is in its description).
 */
export async function getChannels(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	let fallbackReason: string;
	try {
		const { channels } = await readConfiguration(this);
		const listed = (Array.isArray(channels) ? channels : []).filter(
			(channel) => Number.isInteger(Number(channel?.id)) && Number(channel.id) > 0,
		);
		if (listed.length) {
			return listed
				.map((channel) => ({
					name: String(channel.name || `Channel ${channel.id}`),
					value: Number(channel.id),
					description: `Channel ${channel.id} of this agent`,
				}))
				.sort((a, b) => a.name.localeCompare(b.name));
		}
		fallbackReason = 'the agent configuration lists no channels';
	} catch (error) {
		fallbackReason = `the agent configuration could not be read (${errorMessage(error)})`;
	}
	return KNOWN_CHANNELS.map((channel) => ({
		name: channel.name,
		value: channel.id,
		description: `Channel ${channel.id}. Default list, because ${fallbackReason}.`,
	}));
}
