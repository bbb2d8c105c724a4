import type { IExecuteFunctions, ILoadOptionsFunctions } from 'n8n-workflow';

import { AGENT_PATHS } from '../../shared/contract';
import type { AgentConfiguration } from '../../shared/contract/types';
import {
	expectRecord,
	velentsRequest,
	type TransportOptions,
	type VelentsRequest,
} from '../../shared/transport';

/** The agent's configuration (`GET /Integration/Agent`): channels, variables, extraction fields. */
export async function readConfiguration(
	context: IExecuteFunctions | ILoadOptionsFunctions,
	itemIndex?: number,
	options: Partial<TransportOptions> = {},
): Promise<AgentConfiguration> {
	const request: VelentsRequest = {
		method: 'GET',
		path: AGENT_PATHS.configuration,
		action: 'read the agent configuration',
		itemIndex,
	};
	const { data } = await velentsRequest(context, 'agent', request, options);
	return expectRecord<AgentConfiguration>(context, request, data);
}
