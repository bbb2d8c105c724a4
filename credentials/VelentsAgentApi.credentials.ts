import type {
	IAuthenticateGeneric,
	ICredentialTestRequest,
	ICredentialType,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

import { RATE_LIMIT, AGENT_PATHS, DEFAULT_BASE_URL } from '../nodes/shared/contract';

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
			description: 'The token of one Agent.sa agent, from the Agent.sa dashboard (one token per agent)',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: DEFAULT_BASE_URL,
			description: 'Change only for a Velents staging or sandbox server',
		},
		{
			displayName: 'Rate Limit Window (Seconds)',
			name: 'rateLimitWindowSeconds',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: RATE_LIMIT.windowSeconds,
			description:
				'Velents limits each token per minute; the nodes pace their requests to that window. Change only for a server with another window, such as a time-scaled sandbox.',
		},
		{
			displayName: 'Webhook Secret',
			name: 'webhookSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'Optional. When set, the Velents Agent Trigger accepts only events that carry this secret, and the Velents Agent node sends it with every webhook it registers.',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				Authorization: '=Bearer {{$credentials.token}}',
			},
		},
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: AGENT_PATHS.configuration,
			method: 'GET',
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message:
						'Velents rejected this token. Copy the token of the agent from the Agent.sa dashboard (one token per agent), and check the Base URL.',
				},
			},
		],
	};
}
