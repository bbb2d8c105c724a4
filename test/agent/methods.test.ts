import { getChannels } from '../../nodes/VelentsAgent/methods/loadOptions';
import { getVariables } from '../../nodes/VelentsAgent/methods/resourceMapping';
import { configuration, velentsLike } from './fixtures';
import type { MockResponse } from '../helpers/mockContext';
import { createLoadOptionsContext } from '../helpers/mockContext';

const answering = (response: MockResponse) =>
	createLoadOptionsContext({ http: velentsLike({ configuration: () => response }) });

describe('Channel load options', () => {
	test("the agent configuration's channels, sorted by name, valued by id", async () => {
		const { context, recorder } = createLoadOptionsContext({ http: velentsLike() });
		expect(await getChannels.call(context)).toEqual([
			{ name: 'Voice', value: 3, description: 'Channel 3 of this agent' },
			{ name: 'WhatsApp', value: 2, description: 'Channel 2 of this agent' },
		]);
		expect(recorder.requests).toEqual([
			expect.objectContaining({ method: 'GET', url: '/Integration/Agent' }),
		]);
	});

	test('an unnamed channel is named by its id; channels without a usable id are left out', async () => {
		const { context } = answering({
			body: {
				data: {
					...configuration,
					channels: [
						{ id: 7, name: '' },
						{ id: 'x', name: 'Broken' },
					],
				},
			},
		});
		expect(await getChannels.call(context)).toEqual([
			{ name: 'Channel 7', value: 7, description: 'Channel 7 of this agent' },
		]);
	});

	test('falls back to the known channels when the configuration lists none, and says so', async () => {
		const { context } = answering({ body: { data: { ...configuration, channels: [] } } });
		expect(await getChannels.call(context)).toEqual([
			{
				name: 'WhatsApp',
				value: 2,
				description: 'Channel 2. Default list, because the agent configuration lists no channels.',
			},
			{
				name: 'Voice',
				value: 3,
				description: 'Channel 3. Default list, because the agent configuration lists no channels.',
			},
		]);
	});

	test('falls back to the known channels when the configuration cannot be read, with the reason', async () => {
		const { context } = answering({ statusCode: 401, body: { message: 'Unauthenticated.' } });
		const options = await getChannels.call(context);
		expect(options.map((option) => [option.name, option.value])).toEqual([
			['WhatsApp', 2],
			['Voice', 3],
		]);
		expect(options[0].description).toBe(
			'Channel 2. Default list, because the agent configuration could not be read (Velents rejected the token of the "Velents Agent API" credential (401)).',
		);
	});

	test('falls back when the configuration has another shape', async () => {
		const { context } = answering({ body: { data: 'maintenance' } });
		expect((await getChannels.call(context)).map((option) => option.value)).toEqual([2, 3]);
	});
});

describe('Variables resource mapper', () => {
	test("one text field per variable of the agent's configuration", async () => {
		const { context } = createLoadOptionsContext({ http: velentsLike() });
		const { fields } = await getVariables.call(context);
		expect(fields).toEqual([
			{
				id: 'company_name',
				displayName: 'company_name',
				required: false,
				defaultMatch: false,
				canBeUsedToMatch: false,
				display: true,
				type: 'string',
			},
			{
				id: 'order_id',
				displayName: 'order_id',
				required: false,
				defaultMatch: false,
				canBeUsedToMatch: false,
				display: true,
				type: 'string',
			},
		]);
	});

	test('blank and repeated names are skipped; Arabic names kept', async () => {
		const { context } = answering({
			body: { data: { ...configuration, values: ['اسم_العميل', '', 'order_id', 'order_id', 5] } },
		});
		expect((await getVariables.call(context)).fields.map((field) => field.id)).toEqual([
			'اسم_العميل',
			'order_id',
		]);
	});

	test('no variables: no fields, and a notice pointing to the JSON format', async () => {
		const { context } = answering({ body: { data: { ...configuration, values: [] } } });
		const result = await getVariables.call(context);
		expect(result.fields).toEqual([]);
		expect(result.emptyFieldsNotice).toMatch(/"Give Variables As" to One JSON Object/);
	});

	test('a configuration that cannot be read shows the package’s own reason in the panel, and how to refresh', async () => {
		const { context } = answering({ statusCode: 401, body: { message: 'Unauthenticated.' } });
		const result = await getVariables.call(context);
		expect(result.fields).toEqual([]);
		expect(result.emptyFieldsNotice).toContain(
			'Could not read the agent\'s variables: Velents rejected the token of the "Velents Agent API" credential (401)',
		);
		expect(result.emptyFieldsNotice).toContain('click Retry');
	});
});
