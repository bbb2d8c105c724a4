import type { IDisplayOptions, INodeProperties } from 'n8n-workflow';

/**
 * The parameters of one operation, each shown only where it applies: `show` (its resource and
 * operation) joins what a parameter's own display options already say (such as Limit's "Return All
 * off"). An operation file states once where its parameters show, instead of on every parameter.
 */
export function showOnlyFor(
	show: NonNullable<IDisplayOptions['show']>,
	properties: INodeProperties[],
): INodeProperties[] {
	return properties.map((property) => ({
		...property,
		displayOptions: {
			...property.displayOptions,
			show: { ...property.displayOptions?.show, ...show },
		},
	}));
}
