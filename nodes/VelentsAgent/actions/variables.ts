/**
 * The agent's variables (such as company_name, order_id), which Dispatch and Batch send with every
 * conversation: their parameters, how they are read from an item, and the check against the agent
 * configuration that keeps a customer from being called with blank or misspelt variables.
 */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { AgentValues } from '../../shared/contract/types';
import { errorMessage } from '../../shared/execution';
import { perItemReader } from '../../shared/itemParameters';
import { invalidField, isRecord, parseJsonObject } from '../../shared/validation';
import { readConfiguration } from '../methods/configuration';

export const VARIABLES_INPUT = { mapper: 'mapper', json: 'json' } as const;

/** The panel's names of the variables fields and options, for the messages that point at them. */
export const VARIABLES_FIELDS = {
	input: 'Give Variables As',
	mapperOption: 'A Field per Agent Variable',
	jsonOption: 'One JSON Object',
	mapper: 'Variables',
	json: 'Variables (JSON)',
	check: 'Check Variables Against the Agent',
} as const;
export type VariablesInput = (typeof VARIABLES_INPUT)[keyof typeof VARIABLES_INPUT];

/**
 * Distinct variable names one Batch may carry when they are not checked against the agent: every
 * row carries every name (a CSV column each), so memory and the request grow with rows × names.
 */
export const MAX_UNCHECKED_VARIABLES = 100;

/** The variables parameters, shown for the given operations. */
export function variablesProperties(operations: string[], batch: boolean): INodeProperties[] {
	const show = { operation: operations };
	return [
		{
			// Not "mode": n8n's own "Mapping Column Mode" follows, and two modes read as one question twice.
			displayName: VARIABLES_FIELDS.input,
			name: 'variablesInput',
			type: 'options',
			noDataExpression: true,
			default: 'mapper',
			description:
				"The format of the agent's variables (such as company_name, order_id), which it uses in the conversation",
			options: [
				{
					name: VARIABLES_FIELDS.mapperOption,
					value: VARIABLES_INPUT.mapper,
					description:
						"One field for each variable in the agent's configuration, filled by hand or from the input item",
				},
				{
					name: VARIABLES_FIELDS.jsonOption,
					value: VARIABLES_INPUT.json,
					description: 'Such as {"order_id": "1212"}; best for expressions and AI tools',
				},
			],
			displayOptions: { show },
		},
		{
			displayName: VARIABLES_FIELDS.mapper,
			name: 'variables',
			type: 'resourceMapper',
			noDataExpression: true,
			default: { mappingMode: 'defineBelow', value: null },
			required: true,
			typeOptions: {
				resourceMapper: {
					resourceMapperMethod: 'getVariables',
					mode: 'add',
					fieldWords: { singular: 'variable', plural: 'variables' },
					addAllFields: true,
					multiKeyMatch: false,
					supportAutoMap: true,
				},
			},
			displayOptions: { show: { ...show, variablesInput: [VARIABLES_INPUT.mapper] } },
		},
		{
			displayName: VARIABLES_FIELDS.json,
			name: 'variablesJson',
			type: 'json',
			default: '{}',
			description: batch
				? 'The row\'s variables as one object of texts or numbers, such as {"company_name": "acme", "order_id": "1212"}. Every row is sent with the same variables in the same order: one missing from a row is sent as an empty text.'
				: 'The variables as one object of texts or numbers, such as {"company_name": "acme", "order_id": "1212"}',
			displayOptions: { show: { ...show, variablesInput: [VARIABLES_INPUT.json] } },
		},
		{
			displayName: VARIABLES_FIELDS.check,
			name: 'checkVariables',
			type: 'boolean',
			default: true,
			description: `Whether to read the agent configuration once per run and fail an item, before anything is sent, when a variable the agent declares is missing or empty, or a variable is not one the agent declares (most likely a typo). Off: variables are sent as given${batch ? `, at most ${MAX_UNCHECKED_VARIABLES} distinct names per run` : ''}.`,
			displayOptions: { show },
		},
	];
}

/** How the variables are given and checked in this run: read once per run, not per item. */
export interface VariablesSource {
	input: VariablesInput;
	/** "Map Automatically": each variable from the input item's field of the same name. */
	autoMap: boolean;
	/** The agent's declared variables, when known: from the configuration, else the mapper's list. */
	declared: readonly string[] | undefined;
	/** Whether items are checked against `declared`. */
	check: boolean;
	/** Why the configuration could not be read, when the check needs it. */
	configurationProblem: string | undefined;
	/** The mapped values of an item ("A Field per Agent Variable", defined below). */
	mappedValuesOf: (itemIndex: number) => unknown;
}

interface MapperSchemaField {
	id: string;
	removed?: boolean;
}

// One read of the configuration per run: Dispatch runs per item with the same context.
const sourcesOfRuns = new WeakMap<IExecuteFunctions, Promise<VariablesSource>>();

export async function readVariablesSource(context: IExecuteFunctions): Promise<VariablesSource> {
	let source = sourcesOfRuns.get(context);
	if (!source) {
		source = prepareVariablesSource(context);
		sourcesOfRuns.set(context, source);
	}
	return await source;
}

async function prepareVariablesSource(context: IExecuteFunctions): Promise<VariablesSource> {
	const input =
		context.getNodeParameter('variablesInput', 0, VARIABLES_INPUT.mapper) === VARIABLES_INPUT.json
			? VARIABLES_INPUT.json
			: VARIABLES_INPUT.mapper;
	const mapper = input === VARIABLES_INPUT.mapper;
	const autoMap =
		mapper &&
		context.getNodeParameter('variables.mappingMode', 0, 'defineBelow') === 'autoMapInputData';
	const check = context.getNodeParameter('checkVariables', 0, true) !== false;
	const source: VariablesSource = {
		input,
		autoMap,
		declared: undefined,
		check,
		configurationProblem: undefined,
		mappedValuesOf: mapper ? perItemReader(context, 'variables.value', {}) : () => ({}),
	};
	if (check || autoMap) {
		try {
			source.declared = declaredVariables((await readConfiguration(context, 0)).values);
		} catch (error) {
			source.configurationProblem = errorMessage(error);
		}
	}
	// Unchecked, the mapper's list (as the editor last loaded it) still tells variables from other fields.
	if (source.declared === undefined && autoMap && !check) {
		const schema = context.getNodeParameter('variables.schema', 0, []) as MapperSchemaField[];
		const listed = (Array.isArray(schema) ? schema : []).filter((field) => !field.removed);
		if (listed.length) source.declared = listed.map((field) => field.id);
	}
	return source;
}

/** The configuration's `values`: names, trimmed, once each. */
export function declaredVariables(values: unknown): string[] {
	const names = (Array.isArray(values) ? values : [])
		.map((name) => (typeof name === 'string' ? name.trim() : ''))
		.filter(Boolean);
	return [...new Set(names)];
}

/**
 * The agent's variables for one item. Values are texts, numbers or booleans (Velents puts them in
 * CSV cells); an empty or null value is sent as an empty text; an object or a list is refused.
 * "Map Automatically" takes only the item's fields named like a variable the agent declares.
 */
export function readValues(
	context: IExecuteFunctions,
	itemIndex: number,
	source: VariablesSource,
): AgentValues {
	const field = variablesField(source);
	const raw = source.autoMap
		? pickFields(context.getInputData()[itemIndex]?.json ?? {}, source.declared)
		: source.input === VARIABLES_INPUT.json
			? parseJsonObject(
					context,
					itemIndex,
					context.getNodeParameter('variablesJson', itemIndex, '{}'),
					field,
				)
			: source.mappedValuesOf(itemIndex);
	const entries: Array<[string, AgentValues[string]]> = [];
	for (const key of isRecord(raw) ? Object.keys(raw) : []) {
		const value = (raw as Record<string, unknown>)[key];
		if (value === null || value === undefined) {
			entries.push([key, '']);
		} else if (
			typeof value === 'string' ||
			typeof value === 'number' ||
			typeof value === 'boolean'
		) {
			entries.push([key, value]);
		} else {
			throw invalidField(
				context,
				itemIndex,
				field,
				`has an object or a list in "${key}": each variable must be a text, a number or a boolean`,
			);
		}
	}
	// fromEntries keeps any name as a variable of its own, even "__proto__".
	const values: AgentValues = Object.fromEntries(entries);
	if (source.check) checkAgainstAgent(context, itemIndex, values, source, field);
	return values;
}

/** The field the variables come from in this run, as the panel names it. */
export function variablesField(source: VariablesSource): string {
	return source.input === VARIABLES_INPUT.json ? VARIABLES_FIELDS.json : VARIABLES_FIELDS.mapper;
}

/** Only the declared variables among the item's own fields; every field when none are known. */
function pickFields(
	json: Record<string, unknown>,
	names: readonly string[] | undefined,
): Record<string, unknown> {
	if (!names) return json;
	const picked: Record<string, unknown> = {};
	for (const name of names) if (Object.hasOwn(json, name)) picked[name] = json[name];
	return picked;
}

function checkAgainstAgent(
	context: IExecuteFunctions,
	itemIndex: number,
	values: AgentValues,
	source: VariablesSource,
	field: string,
): void {
	const turnOff = `or turn off "${VARIABLES_FIELDS.check}" to send the variables as given`;
	if (source.declared === undefined) {
		throw new NodeOperationError(
			context.getNode(),
			`Item ${itemIndex}: the variables could not be checked against the agent: ${String(source.configurationProblem)}`,
			{
				itemIndex,
				description: `Nothing was sent. Fix the credential (or the agent configuration), ${turnOff}.`,
			},
		);
	}
	const declared = new Set(source.declared);
	const missing = source.declared.filter(
		(name) => !Object.hasOwn(values, name) || values[name] === '',
	);
	const unknown = Object.keys(values).filter((name) => !declared.has(name));
	if (!missing.length && !unknown.length) return;
	const problems = [
		missing.length ? `misses ${quoteList(missing)}, which the agent declares` : '',
		unknown.length ? `has ${quoteList(unknown)}, which the agent does not declare` : '',
	].filter(Boolean);
	throw new NodeOperationError(
		context.getNode(),
		`Item ${itemIndex}: ${field} ${problems.join(' and ')}`,
		{
			itemIndex,
			description: `Nothing was sent for this item. The agent declares: ${quoteList(source.declared) || 'no variables'}. Give each a value (a missing or empty one would reach the customer as a blank), fix the names, ${turnOff}.`,
		},
	);
}

function quoteList(names: readonly string[]): string {
	return names.map((name) => `"${name}"`).join(', ');
}
