import type {
	ILoadOptionsFunctions,
	ResourceMapperField,
	ResourceMapperFields,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { errorMessage } from '../../shared/execution';
import { readConfiguration } from './configuration';

/** The agent's variables (the configuration's `values` list), one text field each. */
export async function getVariables(this: ILoadOptionsFunctions): Promise<ResourceMapperFields> {
	let names: unknown;
	try {
		({ values: names } = await readConfiguration(this));
	} catch (error) {
		throw new NodeOperationError(
			this.getNode(),
			`Could not read the agent's variables: ${errorMessage(error)}`,
			{
				description:
					'Check the credential, or set Variables Input to JSON and give the variables as an object.',
			},
		);
	}
	const seen = new Set<string>();
	const fields: ResourceMapperField[] = [];
	for (const name of Array.isArray(names) ? names : []) {
		const id = typeof name === 'string' ? name.trim() : '';
		if (!id || seen.has(id)) continue;
		seen.add(id);
		fields.push({
			id,
			displayName: id,
			required: false,
			defaultMatch: false,
			canBeUsedToMatch: false,
			display: true,
			type: 'string',
		});
	}
	return {
		fields,
		emptyFieldsNotice:
			'The agent configuration lists no variables. If the agent has some, set Variables Input to JSON and give them as an object.',
	};
}
