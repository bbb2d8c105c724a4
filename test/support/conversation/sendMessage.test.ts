/** Conversation → Send Message, with a scripted Velents. */
import { VelentsSupport } from '../../../nodes/VelentsSupport/VelentsSupport.node';
import { fakeContext } from '../../helpers/fakeHttp';
import { failure, run } from '../fixtures';

describe('Conversation → Send Message', () => {
	it('posts the message into the conversation and outputs the created message', async () => {
		const message = {
			id: 9,
			role: 'customer',
			message: 'وصلت الطلبية؟',
			created_at: '2025-11-13 23:30:00',
		};
		const { items, sent } = await run([{ statusCode: 201, body: { data: message } }], {
			parameters: {
				resource: 'conversation',
				operation: 'sendMessage',
				conversationId: '41',
				message: 'وصلت الطلبية؟',
			},
		});
		expect(sent[0]).toMatchObject({
			method: 'POST',
			url: '/Company/Conversation/41/Send',
			body: { message: 'وصلت الطلبية؟' },
		});
		expect(items[0].json).toEqual({ conversation_id: '41', ...message });
	});

	it('rejects a missing conversation id before sending', async () => {
		const fake = fakeContext([], {
			parameters: {
				resource: 'conversation',
				operation: 'sendMessage',
				conversationId: '',
				message: 'hi',
			},
		});
		const error = await failure(new VelentsSupport().execute.call(fake.context));
		expect(error.message).toBe('Item 0: Conversation ID is required and is empty');
		expect(fake.sent).toHaveLength(0);
	});
});
