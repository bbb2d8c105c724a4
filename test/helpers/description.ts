/** What n8n's editor makes of a node description, for tests that read as the panel a user sees. */
import type { INodeParameters, INodeTypeDescription } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

/** Names of the parameters the editor shows for these values, with defaults filled in as n8n does. */
export function visibleParameters(
	description: INodeTypeDescription,
	parameters: INodeParameters,
): string[] {
	const values = NodeHelpers.getNodeParameters(
		description.properties,
		parameters,
		true,
		false,
		null,
		null,
	);
	return description.properties
		.filter((property) => NodeHelpers.displayParameter(values ?? {}, property, null, description))
		.map((property) => property.name);
}
