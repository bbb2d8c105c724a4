/** The Velents Support node’s description: what an AI agent sees of it. */
import { VelentsSupport } from '../../nodes/VelentsSupport/VelentsSupport.node';

describe('the node as an AI tool', () => {
	it('is usable as a tool and every operation says what it does', () => {
		const { description } = new VelentsSupport();
		expect(description.usableAsTool).toBe(true);
		const operations = description.properties
			.filter((property) => property.name === 'operation')
			.flatMap((property) => property.options ?? []);
		expect(operations).toHaveLength(6);
		for (const operation of operations)
			expect(operation).toMatchObject({ description: expect.stringMatching(/\w{4,}/) });
	});
});
