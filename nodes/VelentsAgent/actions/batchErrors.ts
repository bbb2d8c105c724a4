/** The errors of a Batch run that stops: rows that cannot be sent, and a call that failed. */
import type { IExecuteFunctions, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { errorMessage } from '../../shared/execution';
import { LET_OTHER_ITEMS_GO_ON } from '../../shared/panelNames';
import type { BadRow } from './batchRows';

/** A call that Velents answered with success. */
export interface SentCall {
	call: number;
	id: unknown;
	name: string;
	firstItem: number;
	lastItem: number;
	rows: number;
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

export function callError(
	context: IExecuteFunctions,
	error: unknown,
	call: number,
	calls: number,
	itemIndex: number,
	sent: SentCall[],
	skipping: boolean,
): NodeApiError | NodeOperationError {
	const message = `Batch call ${call} of ${calls} failed: ${errorMessage(error)}`;
	const notSent =
		call === calls
			? ''
			: call + 1 === calls
				? ` Call ${calls} was not sent.`
				: ` Calls ${call + 1}–${calls} were not sent.`;
	const alreadySent = sent.length
		? `Already sent, and not sent again: ${sent
				.map(
					(entry) =>
						`call ${entry.call} = batch ${String(entry.id ?? '?')} "${entry.name}" (items ${entry.firstItem}–${entry.lastItem}, ${entry.rows} rows)`,
				)
				.join('; ')}. ${
				skipping
					? 'Running again skips their rows (Skip Contacts Already Dispatched is on).'
					: `Before running again, leave out items ${sent[0].firstItem}–${sent[sent.length - 1].lastItem}.`
			}`
		: 'No earlier call was sent.';
	const original =
		error instanceof NodeApiError || error instanceof NodeOperationError
			? error.description
			: undefined;
	const description = [alreadySent + notSent, original].filter(Boolean).join('\n\n');
	if (error instanceof NodeApiError) {
		return new NodeApiError(
			context.getNode(),
			{ message: error.message, httpCode: error.httpCode } as JsonObject,
			{ message, description, httpCode: error.httpCode ?? undefined, itemIndex },
		);
	}
	return new NodeOperationError(context.getNode(), message, { description, itemIndex });
}
