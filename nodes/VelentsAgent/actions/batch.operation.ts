import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { AGENT_PATHS, BATCH_LIMITS } from '../../shared/contract';
import type { Batch, BatchRequest, WebhookOptions } from '../../shared/contract/types';
import { transportOptions } from '../../shared/descriptions';
import { errorItem, withItemIndex } from '../../shared/execution';
import { velentsRequest, type TransportOptions } from '../../shared/transport';
import { hasExpression } from '../../shared/itemParameters';
import { REQUEST_SETTINGS } from '../../shared/panelNames';
import { isRecord } from '../../shared/validation';
import { badRowsError, callError, type SentCall } from './batchErrors';
import { alignValues, readRows, type Row } from './batchRows';
import {
	conversationProperties,
	FIELD_NAMES,
	readChannel,
	readWebhook,
	webhookProperty,
} from './common';
import {
	type DispatchGuard,
	dispatchedContactsProperties,
	dispatchGuard,
	noteNotRecorded,
	skippedRecord,
} from './dispatchedContacts';

const { defaultRowsPerCall: DEFAULT_ROWS_PER_CALL, maxRowsPerCall: MAX_ROWS_PER_CALL } =
	BATCH_LIMITS;

const show = { operation: ['batch'] };

/** The settings every call of the run shares, with the names the panel shows them by. */
const RUN_SETTINGS = {
	channelId: FIELD_NAMES.channel,
	batchName: 'Batch Name',
	rowsPerCall: 'Rows Per Call',
	webhook: FIELD_NAMES.webhook,
	requestSettings: REQUEST_SETTINGS.collection,
} as const;
const runSettingNames: string[] = Object.values(RUN_SETTINGS);

export const description: INodeProperties[] = [
	...conversationProperties('batch'),
	{
		displayName: `${runSettingNames.slice(0, -1).join(', ')} and ${runSettingNames.at(-1)} apply to the whole batch: an expression in them must give every item the same value, or the run stops before anything is sent.`,
		name: 'batchSettingsNotice',
		type: 'notice',
		default: '',
		displayOptions: { show },
	},
	{
		displayName: RUN_SETTINGS.batchName,
		name: 'batchName',
		type: 'string',
		default: '',
		placeholder: 'Order follow-ups, June',
		description:
			'The name of the batch in Velents. Empty: "n8n", the workflow name and the date and time. When the rows need several calls, each batch gets " (k/n)" appended.',
		displayOptions: { show },
	},
	{
		displayName: RUN_SETTINGS.rowsPerCall,
		name: 'rowsPerCall',
		type: 'number',
		default: DEFAULT_ROWS_PER_CALL,
		typeOptions: { minValue: 1, maxValue: MAX_ROWS_PER_CALL },
		description: `How many rows one Batch request carries at most; more input items are sent in several batches, one after the other (at most ${MAX_ROWS_PER_CALL})`,
		displayOptions: { show },
	},
	webhookProperty('batch'),
	...dispatchedContactsProperties(['batch']),
];

/** What every call of the run shares. */
interface RunSettings {
	channelId: number;
	name: string;
	rowsPerCall: number;
	webhook: WebhookOptions | undefined;
	transport: Partial<TransportOptions>;
}

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
 * - With Skip Contacts Already Dispatched, each call's rows are checked and claimed right before the
 *   call (see `./dispatchedContacts`): rows already dispatched come out skipped, a call left without
 *   rows is not sent, and a failed call gives its rows' keys back.
 */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	if (!items.length) return [];
	const continueOnFail = this.continueOnFail();

	let settings: RunSettings;
	let guard: DispatchGuard | undefined;
	try {
		settings = await readRunSettings(this);
		guard = await dispatchGuard(this);
	} catch (error) {
		const failure = withItemIndex(this, error, 0);
		if (!continueOnFail) throw failure;
		return items.map((_, itemIndex) => errorItem(failure, itemIndex));
	}

	const { rows, bad } = await readRows(this, items.length, guard);
	if (bad.length && !continueOnFail) throw badRowsError(this, bad, items.length);

	const output: INodeExecutionData[] = new Array<INodeExecutionData>(items.length);
	for (const { itemIndex, error } of bad) output[itemIndex] = errorItem(error, itemIndex);

	alignValues(rows);
	const calls = Math.ceil(rows.length / settings.rowsPerCall);
	const sent: SentCall[] = [];
	for (let call = 1; call <= calls; call++) {
		const chunk = rows.slice((call - 1) * settings.rowsPerCall, call * settings.rowsPerCall);
		const { callRows, keys } = guard
			? await claimRows(guard, chunk, output)
			: { callRows: chunk, keys: [] };
		if (!callRows.length) continue;
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
			if (guard) {
				await guard.release(keys);
				noteNotRecorded(error, keys);
			}
			if (!continueOnFail)
				throw callError(this, error, call, calls, callRows[0].itemIndex, sent, guard !== undefined);
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
			const json: IDataObject = {
				sent: true,
				phone,
				values,
				batch: { call, calls, rowInCall, id, name: sentName, status },
			};
			if (guard) json.dispatchKey = keys[rowInCall];
			output[itemIndex] = { json, pairedItem: { item: itemIndex } };
		});
	}
	return output;
}

/**
 * Claims the keys of one call's rows right before the call (one read and write of n8n's store per
 * call, not per run, so a concurrent run sees them claimed within milliseconds). Rows already
 * dispatched become skipped items; the others, with their keys in the same order, are sent.
 */
async function claimRows(
	guard: DispatchGuard,
	chunk: Row[],
	output: INodeExecutionData[],
): Promise<{ callRows: Row[]; keys: string[] }> {
	const claimed = await guard.claim(
		chunk.map(({ dispatchKey, itemIndex }) => ({ key: dispatchKey ?? '', itemIndex })),
	);
	const callRows: Row[] = [];
	const keys: string[] = [];
	for (const row of chunk) {
		const key = row.dispatchKey ?? '';
		if (claimed.has(row.itemIndex)) {
			callRows.push(row);
			keys.push(key);
		} else {
			output[row.itemIndex] = {
				json: skippedRecord(guard, key, row.phone),
				pairedItem: { item: row.itemIndex },
			};
		}
	}
	return { callRows, keys };
}

// ---------------------------------------------------------------- reading the run

async function readRunSettings(context: IExecuteFunctions): Promise<RunSettings> {
	for (const [parameter, setting] of Object.entries(RUN_SETTINGS)) {
		const differing = firstItemDiffering(context, parameter);
		if (differing !== undefined) {
			throw new NodeOperationError(
				context.getNode(),
				`${setting} must be the same for the whole batch, but item ${differing} gives another value than item 0`,
				{
					itemIndex: differing,
					description: `One Batch run sends every row with the same ${setting}. Use an expression that gives every item the same value, or split the items (for example with a Switch node) into one Batch node per ${setting}.`,
				},
			);
		}
	}
	const rowsPerCall = Number(context.getNodeParameter('rowsPerCall', 0, DEFAULT_ROWS_PER_CALL));
	if (!Number.isInteger(rowsPerCall) || rowsPerCall < 1 || rowsPerCall > MAX_ROWS_PER_CALL) {
		throw new NodeOperationError(
			context.getNode(),
			`${RUN_SETTINGS.rowsPerCall} must be a whole number from 1 to ${MAX_ROWS_PER_CALL}; it is ${String(rowsPerCall)}`,
			{ itemIndex: 0 },
		);
	}
	const givenName = String(context.getNodeParameter('batchName', 0, '') ?? '').trim();
	return {
		channelId: readChannel(context, 0),
		name: givenName || defaultBatchName(context),
		rowsPerCall,
		webhook: await readWebhook(context, 0),
		transport: transportOptions(context, 0),
	};
}

export function defaultBatchName(context: IExecuteFunctions): string {
	const workflowName = context.getWorkflow().name?.trim() || 'workflow';
	return `n8n ${workflowName} ${new Date().toISOString()}`;
}

/**
 * The first item whose value of a run-wide setting differs from item 0's, if any. Only a setting
 * holding an expression can differ, so only those are evaluated per item.
 */
function firstItemDiffering(context: IExecuteFunctions, parameter: string): number | undefined {
	if (!hasExpression(context.getNode().parameters[parameter])) return undefined;
	const items = context.getInputData().length;
	const first = JSON.stringify(context.getNodeParameter(parameter, 0, null));
	for (let itemIndex = 1; itemIndex < items; itemIndex++) {
		if (JSON.stringify(context.getNodeParameter(parameter, itemIndex, null)) !== first)
			return itemIndex;
	}
	return undefined;
}
