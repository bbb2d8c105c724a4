/**
 * The rows of a Batch: each input item's phone and variables, read item by item, and aligned so
 * that every row carries the same variables in the same order (Velents turns the rows into a CSV
 * whose columns are the first row's keys).
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import type { AgentValues } from '../../shared/contract/types';
import { withItemIndex } from '../../shared/execution';
import { perItemReader } from '../../shared/itemParameters';
import { invalidField, requirePhone } from '../../shared/validation';
import type { DispatchGuard } from './dispatchedContacts';
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
	/** With "Skip Contacts Already Dispatched": the row's Dispatch Key. */
	dispatchKey?: string;
}

/** One input item that cannot be sent. */
export interface BadRow {
	itemIndex: number;
	error: Error;
}

/**
 * Phone, variables and (with a guard) Dispatch Key of every item, read item by item (they are
 * usually expressions over the item), all before anything is sent.
 */
export async function readRows(
	context: IExecuteFunctions,
	count: number,
	guard?: DispatchGuard,
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
			const row: Row = { itemIndex, phone, values };
			if (guard) row.dispatchKey = guard.keyOf(itemIndex, phone);
			rows.push(row);
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
