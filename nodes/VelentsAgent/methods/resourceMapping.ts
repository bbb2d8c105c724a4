import type { ILoadOptionsFunctions, ResourceMapperFields } from 'n8n-workflow';

import { errorMessage } from '../../shared/execution';
import { declaredVariables, VARIABLES_FIELDS } from '../actions/variables';
import { readConfiguration } from './configuration';

/**
 * The agent's variables (the configuration's `values` list), one text field each. A failure is
 * shown in the panel as the mapper's notice: a method that throws makes n8n show only its generic
 * "No variables found … Retry", and the reason stays in n8n's log.
 */
export async function getVariables(this: ILoadOptionsFunctions): Promise<ResourceMapperFields> {
	let names: string[];
	try {
		names = declaredVariables((await readConfiguration(this)).values);
	} catch (error) {
		return {
			fields: [],
			emptyFieldsNotice: `Could not read the agent's variables: ${errorMessage(error)}. Fix the credential, then click Retry above (the list is not reloaded by itself), or set "${VARIABLES_FIELDS.input}" to ${VARIABLES_FIELDS.jsonOption}.`,
		};
	}
	return {
		fields: names.map((id) => ({
			id,
			displayName: id,
			required: false,
			defaultMatch: false,
			canBeUsedToMatch: false,
			display: true,
			type: 'string',
		})),
		emptyFieldsNotice: `The agent configuration lists no variables. If the agent has some, set "${VARIABLES_FIELDS.input}" to ${VARIABLES_FIELDS.jsonOption} and give them there.`,
	};
}
