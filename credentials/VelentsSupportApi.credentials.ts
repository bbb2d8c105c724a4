import type {
	IAuthenticateGeneric,
	ICredentialTestRequest,
	ICredentialType,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

import { RATE_LIMIT, DEFAULT_BASE_URL, SUPPORT_PATHS, SUPPORT_TOKEN_FORMAT } from '../nodes/shared/contract';

export class VelentsSupportApi implements ICredentialType {
	name = 'velentsSupportApi';

	displayName = 'Velents Support API';

	icon: Icon = { light: 'file:../icons/velents.svg', dark: 'file:../icons/velents.dark.svg' };

	documentationUrl = 'https://github.com/velents/n8n-nodes-velents#velents-support-api';

	properties: INodeProperties[] = [
		{
			displayName: 'Tenant Token',
			name: 'token',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description: `The Support Center token issued by your Velents account administrator, of the form ${SUPPORT_TOKEN_FORMAT}`,
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
			url: SUPPORT_PATHS.me,
			method: 'GET',
		},
		rules: [
			{
				// A token of another shape is almost always a copy-paste slip: say what is expected.
				type: 'responseCode',
				properties: {
					value: 401,
					message: `Velents rejected this token. A Support Center token has the form ${SUPPORT_TOKEN_FORMAT}; ask your Velents administrator for one with the abilities your workflows need.`,
				},
			},
		],
	};
}
