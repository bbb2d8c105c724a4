/**
 * Per-item parameters at campaign scale: a parameter that only names a field of the item is read
 * from the item; anything else is left to n8n's expression engine.
 */
import type { IExecuteFunctions, INodeParameters } from 'n8n-workflow';

import { perItemReader } from '../../nodes/shared/itemParameters';

function contextWith(parameters: INodeParameters) {
	const items = [{ json: { phone: '+201145803442', 'order id': 'A-1', nested: { x: 1 } } }];
	const getNodeParameter = jest.fn((_name: string, _itemIndex: number) => 'evaluated by n8n');
	const context = { getNode: () => ({ parameters }), getInputData: () => items, getNodeParameter };
	return { context: context as unknown as IExecuteFunctions, getNodeParameter };
}

it.each([
	['={{ $json.phone }}', '+201145803442'],
	['={{$json.phone}}', '+201145803442'],
	['={{ $json["order id"] }}', 'A-1'],
	["={{ $json['order id'] }}", 'A-1'],
	['={{ $json.missing }}', undefined],
	['+201145803442', '+201145803442'],
])('%s is read from the item, with no evaluation', (phone, expected) => {
	const { context, getNodeParameter } = contextWith({ phone });
	expect(perItemReader(context, 'phone', '')(0)).toBe(expected);
	expect(getNodeParameter).not.toHaveBeenCalled();
});

it.each([
	'={{ $json.phone.trim() }}',
	'={{ $json.nested.x }}',
	'={{ $("Start").item.json.phone }}',
	'=+{{ $json.phone }}',
])('%s is evaluated by n8n', (phone) => {
	const { context, getNodeParameter } = contextWith({ phone });
	expect(perItemReader(context, 'phone', '')(0)).toBe('evaluated by n8n');
	expect(getNodeParameter).toHaveBeenCalledWith('phone', 0, '');
});

it('an object of values is read from the item when every value allows it', () => {
	const { context, getNodeParameter } = contextWith({
		variables: { value: { order_id: '={{ $json["order id"] }}', company_name: 'acme', rank: 3 } },
	});
	expect(perItemReader(context, 'variables.value', {})(0)).toEqual({
		order_id: 'A-1',
		company_name: 'acme',
		rank: 3,
	});
	expect(getNodeParameter).not.toHaveBeenCalled();
});

it('an object with one value that needs n8n is evaluated whole by n8n', () => {
	const { context, getNodeParameter } = contextWith({
		variables: { value: { order_id: '={{ $json["order id"] }}', note: '={{ $now }}' } },
	});
	expect(perItemReader(context, 'variables.value', {})(0)).toBe('evaluated by n8n');
	expect(getNodeParameter).toHaveBeenCalledWith('variables.value', 0, {});
});
