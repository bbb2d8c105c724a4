/** What both credentials show around the Base URL, evaluated as n8n's editor evaluates it. */
import { NodeHelpers } from 'n8n-workflow';

import { serverProperties } from '../../nodes/shared/credentialFields';

const notice = serverProperties.find((property) => property.name === 'baseUrlNotice');

describe('the Base URL notice', () => {
	it.each([
		['https://velents-agents.velents.ai', false],
		['http://127.0.0.1:5691/api/', false],
		['https://velents-agents.velents.ai/?tenant=2', true],
		['https://velents-agents.velents.ai#section', true],
	])('%s: shown %s', (baseUrl, shown) => {
		expect(notice).toBeDefined();
		expect(NodeHelpers.displayParameter({ baseUrl }, notice!, null, null)).toBe(shown);
	});
});

describe('display conditions of the credentials', () => {
	it('use no regex: n8n runs one in a VM with a 250 ms limit on every read of the credential, which a busy n8n exceeds', () => {
		expect(JSON.stringify(serverProperties)).not.toContain('"regex"');
	});
});
