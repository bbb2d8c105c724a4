/**
 * Checks of user input made before any request, so that a bad item fails with the item and the
 * field named instead of a round trip to Velents.
 */
import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { E164_PATTERN } from './contract';
import { LET_OTHER_ITEMS_GO_ON } from './panelNames';

/**
 * The phone in E.164 (`+201145803442`), from the forms people type: spaces, dashes, dots, brackets,
 * and `00` for `+`. Returns undefined for anything else.
 */
export function normalisePhone(input: unknown): string | undefined {
	if (typeof input !== 'string' && typeof input !== 'number') return undefined;
	const compact = String(input)
		.trim()
		.replace(/[\s\-.()]/g, '');
	const international = compact.startsWith('00') ? `+${compact.slice(2)}` : compact;
	return E164_PATTERN.test(international) ? international : undefined;
}

/** A JSON object (not null, not a list). */
export function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function isEmail(input: string): boolean {
	return EMAIL_PATTERN.test(input);
}

export function invalidField(
	context: IExecuteFunctions,
	itemIndex: number,
	field: string,
	problem: string,
): NodeOperationError {
	return new NodeOperationError(context.getNode(), `Item ${itemIndex}: ${field} ${problem}`, {
		itemIndex,
		description: `Fix the "${field}" field of item ${itemIndex}, or ${LET_OTHER_ITEMS_GO_ON} to let the other items go on.`,
	});
}

/** A required text parameter, trimmed; empty fails with the field named. */
export function requireText(
	context: IExecuteFunctions,
	itemIndex: number,
	parameter: string,
	field: string,
): string {
	return requiredValue(
		context,
		itemIndex,
		context.getNodeParameter(parameter, itemIndex, ''),
		field,
	);
}

/** A text or number value, trimmed; empty fails with the field named. */
function requiredValue(
	context: IExecuteFunctions,
	itemIndex: number,
	value: unknown,
	field: string,
): string {
	const text =
		typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
	if (!text) throw invalidField(context, itemIndex, field, 'is required and is empty');
	return text;
}

/**
 * A required id that goes into a request path. `.` and `..` would be read as path steps and reach
 * another endpoint, so they are refused with the field named.
 */
export function requireId(
	context: IExecuteFunctions,
	itemIndex: number,
	value: unknown,
	field: string,
): string {
	const id = requiredValue(context, itemIndex, value, field);
	if (/^\.+$/.test(id)) throw invalidField(context, itemIndex, field, `"${id}" is not an ID`);
	return id;
}

/** A phone parameter in E.164; other forms fail with the field named and the value shown. */
export function requirePhone(
	context: IExecuteFunctions,
	itemIndex: number,
	value: unknown,
	field: string,
): string {
	const phone = normalisePhone(value);
	if (!phone) {
		throw invalidField(
			context,
			itemIndex,
			field,
			`"${String(value ?? '')}" is not a phone number in international form, such as +201145803442`,
		);
	}
	return phone;
}

/** A JSON object parameter, given as an object or as JSON text. */
export function parseJsonObject(
	context: IExecuteFunctions,
	itemIndex: number,
	value: unknown,
	field: string,
): Record<string, unknown> {
	if (value === undefined || value === null) return {};
	let parsed = value;
	if (typeof value === 'string') {
		if (!value.trim()) return {};
		try {
			parsed = JSON.parse(value);
		} catch {
			throw invalidField(context, itemIndex, field, 'is not valid JSON');
		}
	}
	if (!isRecord(parsed)) {
		throw invalidField(
			context,
			itemIndex,
			field,
			'must be a JSON object, such as {"order_id": "1212"}',
		);
	}
	return parsed;
}
