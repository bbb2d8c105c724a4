import type { INodeProperties } from 'n8n-workflow';

import { showOnlyFor } from '../../nodes/shared/displayOptions';

const limit: INodeProperties = {
	displayName: 'Limit',
	name: 'limit',
	type: 'number',
	default: 50,
	displayOptions: { show: { returnAll: [false] }, hide: { simple: [true] } },
};
const subject: INodeProperties = {
	displayName: 'Subject',
	name: 'subject',
	type: 'string',
	default: '',
};

describe('showOnlyFor', () => {
	it('shows each parameter only for the operation, keeping what its own display options say', () => {
		const [shownSubject, shownLimit] = showOnlyFor(
			{ resource: ['ticket'], operation: ['getAll'] },
			[subject, limit],
		);
		expect(shownSubject.displayOptions).toEqual({
			show: { resource: ['ticket'], operation: ['getAll'] },
		});
		expect(shownLimit.displayOptions).toEqual({
			show: { returnAll: [false], resource: ['ticket'], operation: ['getAll'] },
			hide: { simple: [true] },
		});
	});

	it('leaves the parameters it was given as they were, so one list can serve two operations', () => {
		showOnlyFor({ resource: ['ticket'], operation: ['get'] }, [limit]);
		expect(limit.displayOptions).toEqual({
			show: { returnAll: [false] },
			hide: { simple: [true] },
		});
	});
});
