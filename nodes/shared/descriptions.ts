import type { IExecuteFunctions, INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { REQUEST_SETTINGS } from './panelNames';
import type { TransportOptions } from './transport';

/** Request settings every action node offers, read by `transportOptions`. */
export const requestSettings: INodeProperties = {
	displayName: REQUEST_SETTINGS.collection,
	name: 'requestSettings',
	type: 'collection',
	placeholder: 'Add Setting',
	default: {},
	options: [
		{
			displayName: REQUEST_SETTINGS.maxWait,
			name: 'maxWaitSeconds',
			type: 'number',
			typeOptions: { minValue: 0 },
			// DEFAULT_TRANSPORT_OPTIONS.maxWaitSeconds, written out: n8n's lint rules want a literal default.
			default: 180,
			description:
				'The longest the node waits for the token’s rate-limit window to reopen before it fails the item instead',
		},
		{
			displayName: REQUEST_SETTINGS.timeout,
			name: 'timeoutSeconds',
			type: 'number',
			typeOptions: { minValue: 1 },
			// DEFAULT_TRANSPORT_OPTIONS.timeoutSeconds, written out: n8n's lint rules want a literal default.
			default: 60,
			description:
				'The longest one request to Velents may take. A read that runs out is retried; a dispatch, batch, ticket or message that runs out is reported and never sent again, because Velents may have acted on it.',
		},
	],
};

export function transportOptions(
	context: IExecuteFunctions,
	itemIndex: number,
): Partial<TransportOptions> {
	const settings = context.getNodeParameter(requestSettings.name, itemIndex, {}) as Partial<
		Pick<TransportOptions, 'maxWaitSeconds' | 'timeoutSeconds'>
	>;
	const options: Partial<TransportOptions> = {};
	if (settings.maxWaitSeconds !== undefined) options.maxWaitSeconds = settings.maxWaitSeconds;
	if (settings.timeoutSeconds !== undefined) options.timeoutSeconds = settings.timeoutSeconds;
	return options;
}

/** Return All / Limit, as every n8n list operation offers them (shown for an operation with `showOnlyFor`). */
export function returnAllOrLimit(): INodeProperties[] {
	return [
		{
			displayName: 'Return All',
			name: 'returnAll',
			type: 'boolean',
			default: false,
			description: 'Whether to return all results or only up to a given limit',
		},
		{
			displayName: 'Limit',
			name: 'limit',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 50,
			description: 'Max number of results to return',
			displayOptions: { show: { returnAll: [false] } },
		},
	];
}

/** Options for an API enum, each shown capitalised: `high` → High. */
export function enumOptions(values: readonly string[]): INodePropertyOptions[] {
	return values.map((value) => ({
		name: value.charAt(0).toUpperCase() + value.slice(1),
		value,
	}));
}
