/** What the Velents Support operation tests share: a ticket as Velents sends it, and the node run against a scripted Velents. */
import { VelentsSupport } from '../../nodes/VelentsSupport/VelentsSupport.node';
import { fakeContext, type FakeContextOptions, type ScriptedAnswer } from '../helpers/fakeHttp';

export const ticket = {
	id: 1,
	subject: 'Order 1212 arrived damaged',
	status: 'open',
	priority: 'high',
	customer: { name: 'Shady', email: 'shady@example.com', phone: '+201145803442' },
	created_at: '2025-11-13 23:24:50',
	updated_at: '2025-11-13 23:24:50',
	public_id: 'TCK-000001',
	conversation_id: 41,
};

let server = 0;
/** Runs the node once against the scripted answers; each run gets a base URL, so a rate budget, of its own. */
export async function run(answers: ScriptedAnswer[], options: FakeContextOptions) {
	const fake = fakeContext(answers, {
		...options,
		credentials: { baseUrl: `http://support-${++server}.test`, ...options.credentials },
	});
	const output = await new VelentsSupport().execute.call(fake.context);
	return { ...fake, items: output[0] };
}

/** The error the run ends with; the test fails if it ends without one. */
export async function failure(promise: Promise<unknown>): Promise<Error> {
	const error = await promise.then(
		() => undefined,
		(thrown: unknown) => thrown,
	);
	expect(error).toBeInstanceOf(Error);
	return error as Error;
}
