import type {
	IAuthenticateGeneric,
	ICredentialTestRequest,
	ICredentialType,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

import { SUPPORT_PATHS, SUPPORT_TOKEN_FORMAT } from '../nodes/shared/contract';
import {
	bearerAuthentication,
	credentialTest,
	serverProperties,
} from '../nodes/shared/credentialFields';

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
		...serverProperties,
	];

	authenticate: IAuthenticateGeneric = bearerAuthentication;

	// A token of another shape is almost always a copy-paste slip: the message says what is expected.
	test: ICredentialTestRequest = credentialTest(
		SUPPORT_PATHS.me,
		`Velents rejected this Tenant Token. It has the form ${SUPPORT_TOKEN_FORMAT}; ask your Velents administrator for one with the abilities your workflows need, and check the Base URL.`,
	);
}
