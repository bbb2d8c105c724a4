import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

import { REFERENCE_EVENT_TEXT } from './fixtures';

// CI runs on a clone of the repository with `shared/` beside it, as on a developer machine.
const REFERENCE_PATH = path.join(__dirname, '../../../shared/velents-api/api-reference-v1.2.1.txt');
const reference = existsSync(REFERENCE_PATH) ? readFileSync(REFERENCE_PATH, 'utf8') : undefined;

describe('the event fixtures', () => {
	(reference === undefined ? test.skip : test).each(Object.keys(REFERENCE_EVENT_TEXT))(
		'%s is the published reference example, character for character (Arabic included)',
		(name) => {
			const text = REFERENCE_EVENT_TEXT[name as keyof typeof REFERENCE_EVENT_TEXT];
			expect(reference).toContain(`Event: ${name}\n`);
			expect(reference).toContain(text);
		},
	);

	test.each(Object.entries(REFERENCE_EVENT_TEXT))('%s is valid JSON of its own event type', (name, text) => {
		const event = JSON.parse(text) as { event: { type: string; about: string } };
		expect(event.event).toEqual({ type: name, about: 'conversation' });
	});
});
