import type {
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { properties } from './description';
import { poll } from './poll';

/**
 * Starts a workflow on new Support Center tickets or new messages, by polling (Velents documents no
 * Support Center webhook). The class describes the node and delegates: the poll in `./poll`, the
 * cursor rule in `./cursor`, list reading and the request budget in `./listTail` and `./streams`,
 * the watched conversations in `./selection`, the output in `./output`.
 */
export class VelentsSupportTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Velents Support Trigger',
		name: 'velentsSupportTrigger',
		icon: { light: 'file:../../icons/velents.svg', dark: 'file:../../icons/velents.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{ $parameter["event"] === "newTicket" ? "New Ticket" : "New Message" }}',
		description:
			'Starts the workflow on new Support Center tickets or new messages in their conversations (polling)',
		defaults: { name: 'Velents Support Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'velentsSupportApi', required: true }],
		properties,
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		return await poll.call(this);
	}
}
