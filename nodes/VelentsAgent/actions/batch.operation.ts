import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { AGENT_PATHS, BATCH_LIMITS } from '../../shared/contract';
import type { Batch, BatchRequest } from '../../shared/contract/types';
import { errorItem, withItemIndex } from '../../shared/execution';
import { velentsRequest } from '../../shared/transport';
import { isRecord } from '../../shared/validation';
import {
	alignValues,
	badRowsError,
	callError,
	readRows,
	readRunSettings,
	type RunSettings,
	type SentCall,
} from './batchRows';
import { conversationProperties, webhookProperty } from './common';

const { defaultRowsPerCall: DEFAULT_ROWS_PER_CALL, maxRowsPerCall: MAX_ROWS_PER_CALL } =
	BATCH_LIMITS;

const show = { operation: ['batch'] };

export const description: INodeProperties[] = [
	...conversationProperties('batch'),
	{
		displayName: 'Batch Name',
		name: 'batchName',
		type: 'string',
		default: '',
		placeholder: 'Order follow-ups, June',
		description:
			'The name of the batch in Velents. Empty: "n8n", the workflow name and the date and time. When the rows need several calls, each batch gets " (k/n)" appended.',
		displayOptions: { show },
	},
	{
		displayName: 'Rows Per Call',
		name: 'rowsPerCall',
		type: 'number',
		default: DEFAULT_ROWS_PER_CALL,
		typeOptions: { minValue: 1, maxValue: MAX_ROWS_PER_CALL },
		description: `How many rows one Batch request carries at most; more input items are sent in several batches, one after the other (at most ${MAX_ROWS_PER_CALL})`,
		displayOptions: { show },
	},
	webhookProperty('batch'),
];

/**
 * All input items of the run become the rows of as few Batch requests as "Rows Per Call" allows.
 * One output item per input item, in input order and paired with it, says which call carried it.
 *
 * - Every row of the run carries the same variables in the same order (Velents turns the rows into
 *   a CSV whose columns are the first row's keys): the union of all rows' keys in first-seen order,
 *   a variable missing from a row sent as an empty text.
 * - A row that cannot be sent (bad phone, bad variables) never sinks the others: under Continue On
 *   Fail it becomes an error item; otherwise one error names every such row, before anything is sent.
 * - A failed call: under Continue On Fail its rows become error items and the next calls still go;
 *   otherwise the run stops, and the error names the calls already sent (never sent again).
 */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	if (!items.length) return [];
	const continueOnFail = this.continueOnFail();

	let settings: RunSettings;
	try {
		settings = await readRunSettings(this);
	} catch (error) {
		const failure = withItemIndex(this, error, 0);
		if (!continueOnFail) throw failure;
		return items.map((_, itemIndex) => errorItem(failure, itemIndex));
	}

	const { rows, bad } = await readRows(this, items.length);
	if (bad.length && !continueOnFail) throw badRowsError(this, bad, items.length);

	const output: INodeExecutionData[] = new Array<INodeExecutionData>(items.length);
	for (const { itemIndex, error } of bad) output[itemIndex] = errorItem(error, itemIndex);

	alignValues(rows);
	const calls = Math.ceil(rows.length / settings.rowsPerCall);
	const sent: SentCall[] = [];
	for (let call = 1; call <= calls; call++) {
		const callRows = rows.slice((call - 1) * settings.rowsPerCall, call * settings.rowsPerCall);
		const name = calls > 1 ? `${settings.name} (${call}/${calls})` : settings.name;
		const body: BatchRequest = {
			channel_id: settings.channelId,
			name,
			rows: callRows.map(({ phone, values }) => ({ phone, values })),
		};
		if (settings.webhook) body.webhook = settings.webhook;

		let batch: Partial<Batch>;
		try {
			const response = await velentsRequest<Batch>(
				this,
				'agent',
				{
					method: 'POST',
					path: AGENT_PATHS.batch,
					body: body as unknown as IDataObject,
					action: `dispatch batch call ${call} of ${calls} (${callRows.length} rows)`,
					resource: 'the agent',
					itemIndex: callRows[0].itemIndex,
				},
				settings.transport,
			);
			batch = isRecord(response.data) ? response.data : {};
		} catch (error) {
			if (!continueOnFail) throw callError(this, error, call, calls, callRows[0].itemIndex, sent);
			// The message names the call ("dispatch batch call 2 of 5 (500 rows)"), the description
			// whether Velents may have acted on it: every row of the call keeps both.
			for (const { itemIndex } of callRows) output[itemIndex] = errorItem(error, itemIndex);
			continue;
		}

		const sentName = typeof batch.name === 'string' && batch.name ? batch.name : name;
		const id = batch.id ?? null;
		const status = batch.status ?? null;
		sent.push({
			call,
			id,
			name: sentName,
			firstItem: callRows[0].itemIndex,
			lastItem: callRows[callRows.length - 1].itemIndex,
			rows: callRows.length,
		});
		callRows.forEach(({ itemIndex, phone, values }, rowInCall) => {
			output[itemIndex] = {
				json: {
					sent: true,
					phone,
					values,
					batch: { call, calls, rowInCall, id, name: sentName, status },
				},
				pairedItem: { item: itemIndex },
			};
		});
	}
	return output;
}

// ---------------------------------------------------------------- reading the run
