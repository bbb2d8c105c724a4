/**
 * The rows of a Batch: each input item's phone and variables, read item by item, and aligned so
 * that every row carries the same variables in the same order (Velents turns the rows into a CSV
 * whose columns are the first row's keys).
 */
import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { AgentValues } from '../../shared/contract/types';
import { withItemIndex } from '../../shared/execution';
import { perItemReader } from '../../shared/itemParameters';
import { LET_OTHER_ITEMS_GO_ON } from '../../shared/panelNames';
import { invalidField, requirePhone } from '../../shared/validation';
import {
	MAX_UNCHECKED_VARIABLES,
	readValues,
	readVariablesSource,
	variablesField,
} from './variables';

/** One input item that will be sent. */
export interface Row {
	itemIndex: number;
	phone: string;
	values: AgentValues;
}

/** One input item that cannot be sent. */
export interface BadRow {
	itemIndex: number;
	error: Error;
}

/** Phone and variables of every item, read item by item (they are usually expressions over the item). */
export async function readRows(
	context: IExecuteFunctions,
	count: number,
): Promise<{ rows: Row[]; bad: BadRow[] }> {
	const source = await readVariablesSource(context);
	const phoneOf = perItemReader(context, 'phone', '');
	// Unchecked names are capped: every row carries every name of the run, as a CSV column.
	const names = new Set<string>();
	const rows: Row[] = [];
	const bad: BadRow[] = [];
	for (let itemIndex = 0; itemIndex < count; itemIndex++) {
		try {
			const phone = requirePhone(context, itemIndex, phoneOf(itemIndex), 'Phone');
			const values = readValues(context, itemIndex, source);
			if (!source.check) admitNames(context, itemIndex, values, names, variablesField(source));
			rows.push({ itemIndex, phone, values });
		} catch (error) {
			bad.push({ itemIndex, error: withItemIndex(context, error, itemIndex) });
		}
	}
	return { rows, bad };
}

function admitNames(
	context: IExecuteFunctions,
	itemIndex: number,
	values: AgentValues,
	names: Set<string>,
	field: string,
): void {
	const added = Object.keys(values).filter((name) => !names.has(name));
	if (names.size + added.length > MAX_UNCHECKED_VARIABLES) {
		throw invalidField(
			context,
			itemIndex,
			field,
			`brings the batch past ${MAX_UNCHECKED_VARIABLES} distinct variable names (with ${quoteNames(added)}): a batch sends every name as a column of every row`,
		);
	}
	for (const name of added) names.add(name);
}

function quoteNames(names: string[]): string {
	const shown = names.slice(0, 3).map((name) => `"${name}"`);
	return names.length > 3 ? `${shown.join(', ')}, …` : shown.join(', ');
}

/**
 * Gives every row the same variables in the same order: the union of all rows' keys in first-seen
 * order, a missing one as ''. Linear in rows × variables; rows already in that shape are kept.
 */
export function alignValues(rows: Array<{ values: AgentValues }>): string[] {
	const columns: string[] = [];
	const seen = new Set<string>();
	for (const { values } of rows) {
		for (const key of Object.keys(values)) {
			if (!seen.has(key)) {
				seen.add(key);
				columns.push(key);
			}
		}
	}
	for (const row of rows) {
		const keys = Object.keys(row.values);
		if (keys.length === columns.length && keys.every((key, index) => key === columns[index]))
			continue;
		const { values } = row;
		row.values = Object.fromEntries(
			columns.map((column) => [column, Object.hasOwn(values, column) ? values[column] : '']),
		);
	}
	return columns;
}

/** One error for every row that cannot be sent, when no row may go alone (On Error: Stop). */
export function badRowsError(
	context: IExecuteFunctions,
	bad: BadRow[],
	total: number,
): NodeOperationError {
	const list = bad.map(
		({ itemIndex, error }) => `item ${itemIndex}: ${stripItemPrefix(error.message)}`,
	);
	const shown = list.slice(0, 3).join('; ');
	return new NodeOperationError(
		context.getNode(),
		`${bad.length} of ${total} rows cannot be sent, so no batch was sent: ${shown}${bad.length > 3 ? '; …' : ''}`,
		{
			itemIndex: bad[0].itemIndex,
			description: `Every row that cannot be sent:\n${list.join('\n')}\n\nFix these rows, or ${LET_OTHER_ITEMS_GO_ON} to send the other rows and get these as error items.`,
		},
	);
}

/** "Item 3: Phone …" → "Phone …" (the list says the item already). */
function stripItemPrefix(message: string): string {
	return message.replace(/^Item \d+: /, '');
}
