import type {
	IAuthenticateGeneric,
	ICredentialTestRequest,
	ICredentialType,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

import { AGENT_PATHS } from '../nodes/shared/contract';
import {
	bearerAuthentication,
	credentialTest,
	serverProperties,
} from '../nodes/shared/credentialFields';

export class VelentsAgentApi implements ICredentialType {
	name = 'velentsAgentApi';

	displayName = 'Velents Agent API';

	icon: Icon = { light: 'file:../icons/velents.svg', dark: 'file:../icons/velents.dark.svg' };

	documentationUrl = 'https://github.com/velents/n8n-nodes-velents#velents-agent-api';

	properties: INodeProperties[] = [
		{
			displayName: 'Agent Token',
			name: 'token',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description:
				'The token of one Agent.sa agent, from the Agent.sa dashboard (one token per agent)',
		},
		...serverProperties,
		{
			displayName: 'Webhook Secret',
			name: 'webhookSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'Optional. When set, the Velents Agent Trigger accepts only events that carry this secret, and the Velents Agent node asks Velents to send it with the events of every conversation it dispatches with a Webhook → Link.',
		},
	];

	authenticate: IAuthenticateGeneric = bearerAuthentication;

	test: ICredentialTestRequest = credentialTest(
		AGENT_PATHS.configuration,
		'Velents rejected this token. Copy the token of the agent from the Agent.sa dashboard (one token per agent), and check the Base URL.',
	);
}
