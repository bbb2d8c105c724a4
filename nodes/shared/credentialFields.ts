/**
 * What both credential types share: the server, the rate-limit window, Bearer authentication and
 * the base of their test request. Each credential adds its token and what is its own.
 */
import type { IAuthenticateGeneric, ICredentialTestRequest, INodeProperties } from 'n8n-workflow';

import { DEFAULT_BASE_URL } from './contract';

export const serverProperties: INodeProperties[] = [
	{
		displayName: 'Base URL',
		name: 'baseUrl',
		type: 'string',
		default: DEFAULT_BASE_URL,
		description: 'Change only for a Velents staging or sandbox server',
	},
	{
		displayName:
			'The Base URL must be the API’s address only: remove what follows "?" or "#". As it is, the nodes refuse it and the credential test fails.',
		name: 'baseUrlNotice',
		type: 'notice',
		default: '',
		// Shown while the field holds a query or a fragment, which would send requests elsewhere. Plain
		// `includes`, not `regex`: n8n evaluates a credential's display options on every read of it, and
		// its regex runs in a VM with a 250 ms limit that a busy n8n exceeds, failing the node.
		displayOptions: {
			show: { baseUrl: [{ _cnd: { includes: '?' } }, { _cnd: { includes: '#' } }] },
		},
	},
	{
		displayName: 'Rate Limit Window (Seconds)',
		name: 'rateLimitWindowSeconds',
		type: 'number',
		typeOptions: { minValue: 1 },
		// RATE_LIMIT.windowSeconds, written out: n8n's lint rules want a literal default (a test keeps them equal).
		default: 60,
		description:
			'Velents limits each token per minute; the nodes pace their requests to that window. Change only for a server with another window, such as a time-scaled sandbox.',
	},
];

export const bearerAuthentication: IAuthenticateGeneric = {
	type: 'generic',
	properties: {
		headers: {
			Authorization: '=Bearer {{$credentials.token}}',
		},
	},
};

export const BAD_BASE_URL_TEST_TARGET =
	'https://base-url-must-not-contain-a-query-or-a-fragment.invalid';

/** A GET of `path` on the credential's server; a 401 shows `rejectedMessage`, which says what to fix. */
export function credentialTest(path: string, rejectedMessage: string): ICredentialTestRequest {
	return {
		request: {
			// As the nodes use it (trimmed, no trailing slash). A query or fragment would send the test
			// elsewhere, where it could pass: it fails instead (.invalid never resolves; n8n shows ENOTFOUND).
			baseURL: `={{ /[?#]/.test($credentials.baseUrl) ? "${BAD_BASE_URL_TEST_TARGET}" : $credentials.baseUrl.trim().replace(/\\/+$/, "") }}`,
			url: path,
			method: 'GET',
		},
		rules: [{ type: 'responseCode', properties: { value: 401, message: rejectedMessage } }],
	};
}
