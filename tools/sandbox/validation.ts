/**
 * Contract schemas → Laravel-style 422s: every failing field under its dotted key
 * (`customer.email`, `rows.3.phone`) with a Laravel-worded message. Messages a schema sets itself
 * (e.g. "The subject field is required.") win over these defaults, as zod gives them precedence.
 */
import { z } from 'zod';

import { HttpError } from './http';
import type { ErrorShape } from './options';

export type FieldErrors = Record<string, string[]>;

/** [doc] the reference's 422 message. */
export const VALIDATION_MESSAGE = 'The given data was invalid.';

function attribute(path: ReadonlyArray<string | number>): string {
	return path.map(String).join('.').replace(/_/g, ' ');
}

function typeWord(expected: string): string {
	switch (expected) {
		case 'integer':
			return 'an integer';
		case 'array':
			return 'an array';
		case 'object':
			return 'an object';
		case 'boolean':
			return 'true or false';
		default:
			return `a ${expected}`;
	}
}

const laravelErrorMap: z.ZodErrorMap = (issue, ctx) => {
	const name = attribute(issue.path);
	switch (issue.code) {
		case z.ZodIssueCode.invalid_type:
			if (issue.received === 'undefined' || issue.received === 'null') {
				return { message: `The ${name} field is required.` };
			}
			return { message: `The ${name} field must be ${typeWord(issue.expected)}.` };
		case z.ZodIssueCode.invalid_string:
			if (issue.validation === 'email')
				return { message: `The ${name} field must be a valid email address.` };
			if (issue.validation === 'url') return { message: `The ${name} field must be a valid URL.` };
			return { message: `The ${name} field format is invalid.` };
		case z.ZodIssueCode.too_small:
			if (issue.type === 'string') {
				return {
					message:
						Number(issue.minimum) <= 1
							? `The ${name} field is required.`
							: `The ${name} field must be at least ${issue.minimum} characters.`,
				};
			}
			if (issue.type === 'array') {
				// Laravel's `required` fails an empty array with the same words as a missing field.
				return {
					message:
						Number(issue.minimum) <= 1
							? `The ${name} field is required.`
							: `The ${name} field must have at least ${issue.minimum} items.`,
				};
			}
			return {
				message: issue.inclusive
					? `The ${name} field must be at least ${issue.minimum}.`
					: `The ${name} field must be greater than ${issue.minimum}.`,
			};
		case z.ZodIssueCode.too_big:
			if (issue.type === 'string')
				return {
					message: `The ${name} field must not be greater than ${issue.maximum} characters.`,
				};
			if (issue.type === 'array')
				return { message: `The ${name} field must not have more than ${issue.maximum} items.` };
			return { message: `The ${name} field must not be greater than ${issue.maximum}.` };
		case z.ZodIssueCode.invalid_enum_value:
			return { message: `The selected ${name} is invalid.` };
		case z.ZodIssueCode.invalid_union:
			return { message: `The ${name} field must be ${unionExpectation(issue.unionErrors)}.` };
		default:
			return { message: ctx.defaultError };
	}
};

/** "a string, a number, true or false or null" when every branch failed on type alone. */
function unionExpectation(errors: z.ZodError[]): string {
	const expected: string[] = [];
	for (const error of errors) {
		const issue = error.issues[0];
		if (error.issues.length !== 1 || issue.code !== z.ZodIssueCode.invalid_type) return 'valid';
		expected.push(issue.expected === 'null' ? 'null' : typeWord(issue.expected));
	}
	return expected.length > 1
		? `${expected.slice(0, -1).join(', ')} or ${expected[expected.length - 1]}`
		: 'valid';
}

export function fieldErrors(error: z.ZodError): FieldErrors {
	const errors: FieldErrors = {};
	for (const issue of error.issues) {
		if (issue.code === z.ZodIssueCode.unrecognized_keys) {
			// Only the sandbox's own strict schemas (config, faults) refuse unknown keys: name each one.
			for (const name of issue.keys)
				(errors[[...issue.path, name].join('.')] ??= []).push(`The ${name} field is not allowed.`);
			continue;
		}
		const key = issue.path.length > 0 ? issue.path.map(String).join('.') : 'body';
		(errors[key] ??= []).push(issue.message);
	}
	return errors;
}

/** Parses `input` with `schema`, collecting issues as Laravel field errors. */
export function check<S extends z.ZodTypeAny>(
	schema: S,
	input: unknown,
): { ok: true; data: z.output<S> } | { ok: false; errors: FieldErrors } {
	const result = schema.safeParse(input, { errorMap: laravelErrorMap });
	return result.success
		? { ok: true, data: result.data as z.output<S> }
		: { ok: false, errors: fieldErrors(result.error) };
}

/** The 422 in the configured shape. */
export function validationError(errors: FieldErrors, shape: ErrorShape): HttpError {
	const body =
		shape === 'status'
			? { status: { message: VALIDATION_MESSAGE, check: false }, errors }
			: { message: VALIDATION_MESSAGE, errors };
	return new HttpError(422, body);
}

export function mergeErrors(...sets: FieldErrors[]): FieldErrors {
	const merged: FieldErrors = {};
	for (const set of sets) {
		for (const [key, messages] of Object.entries(set)) (merged[key] ??= []).push(...messages);
	}
	return merged;
}
