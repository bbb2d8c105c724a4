/** Conversation → Get History, with a scripted Velents. */
import { run } from '../fixtures';

describe('Conversation → Get History', () => {
	it('outputs one item per message, oldest first, whatever order the server used', async () => {
		const history = [
			{ id: 3, role: 'agent', message: 'حياك يا Shady!', created_at: '2025-11-13 23:25:48' },
			{
				id: 1,
				role: 'agent',
				message: 'مرحبا! أنا مساعد acme...',
				created_at: '2025-11-13 23:24:50',
			},
			{ id: 2, role: 'customer', message: 'my name is shady', created_at: '2025-11-13 23:25:10' },
		];
		const { items, sent } = await run([{ statusCode: 200, body: { data: history } }], {
			parameters: {
				resource: 'conversation',
				operation: 'getHistory',
				conversationId: '41',
				returnAll: true,
			},
		});
		expect(sent[0].url).toBe('/Company/Conversation/41/history');
		expect(items.map((item) => item.json.id)).toEqual([1, 2, 3]);
		expect(items[0].json).toMatchObject({
			conversation_id: '41',
			message: 'مرحبا! أنا مساعد acme...',
		});
	});
});
