/** Account → Get Token Info: the token’s own description, from a scripted Velents. */
import { run } from '../fixtures';

describe('Account → Get Token Info', () => {
	it('reads /Company/TenantAuth/me and outputs tenant id, token name and abilities', async () => {
		const me = { tenant_id: 1, token_name: 'crm', abilities: ['support.tickets.create'] };
		const { items, sent } = await run([{ statusCode: 200, body: { data: me } }], {
			parameters: { resource: 'account', operation: 'getTokenInfo' },
		});
		expect(sent[0]).toMatchObject({ method: 'GET', url: '/Company/TenantAuth/me' });
		expect(items).toEqual([{ json: me, pairedItem: { item: 0 } }]);
	});
});
