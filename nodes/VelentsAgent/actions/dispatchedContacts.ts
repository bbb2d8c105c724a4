/**
 * "Skip Contacts Already Dispatched": re-running a campaign never reaches a customer twice.
 *
 * A contact is known by its Dispatch Key: the agent (the n8n credential used), the customer's phone
 * and, optionally, what the user adds (an order id, a campaign name). Keys live in n8n's own
 * data-deduplication store (`checkProcessedAndRecord` and relatives, in n8n's database, shared by
 * every process in queue mode), in the scope of this workflow or of this node.
 *
 * A key is claimed right before its request and kept only when Velents accepted it; a request that
 * fails gives its claim back (the key is then not recorded, and the error says so). Claiming before
 * sending, and per request (one conversation, one Batch call) rather than per run, keeps the window
 * in which two executions can both send the same key to n8n's read-modify-write of one database row.
 *
 * When a key was first dispatched is known only within a run: n8n's store keeps an md5 hash per
 * key and no time, and its only lookup (`checkProcessedAndRecord`) records whatever it is asked
 * about, so a time kept beside the key could be read back once and would then be lost to the next
 * run (see the README, "When first dispatched").
 *
 * Shared by every operation that dispatches (Dispatch, Batch, Dispatch and Wait): they call
 * `dispatchGuard`, `keyOf`, `claim`, `release`, and show `dispatchedContactsProperties`.
 */
import type {
	DeduplicationScope,
	ICheckProcessedOptions,
	IDataObject,
	IExecuteFunctions,
	INodeProperties,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { perItemReader } from '../../shared/itemParameters';
import { invalidField } from '../../shared/validation';
import { CREDENTIAL_TYPES } from '../../shared/contract';

/**
 * Keys kept per scope by default: a campaign of 100,000 contacts fits whole. n8n keeps them as one
 * list in one database row (about 27 bytes a key) and forgets the oldest beyond this number.
 */
export const DEFAULT_KEYS_KEPT = 100_000;

/** The first n8n release whose execute context has the deduplication helpers (n8n-core 1.64.0). */
export const FIRST_N8N_WITH_DEDUPLICATION = '1.64.0';

const OPTION = 'Skip Contacts Already Dispatched';

/** The parameters, shown for the given operations. */
export function dispatchedContactsProperties(operations: string[]): INodeProperties[] {
	const show = { operation: operations };
	const whenOn = { ...show, skipDispatched: [true] };
	return [
		{
			displayName: OPTION,
			name: 'skipDispatched',
			type: 'boolean',
			default: false,
			description:
				'Whether to leave out customers this agent was already dispatched to (same Dispatch Key), so that running a campaign again reaches only the ones not reached yet. They come out as items with "skipped": true (Dispatch and Wait: outcome "skipped", at once, without waiting). The time of the first dispatch is known for a repeat within the run; for one by an earlier run, "dispatchedBy" says so and the time is empty: n8n keeps no time.',
			displayOptions: { show },
		},
		{
			displayName: 'Dispatch Key',
			name: 'dispatchKey',
			type: 'string',
			default: '',
			placeholder: '{{ $json.order_id }}',
			description:
				'What, besides the agent and the phone, makes two dispatches the same, such as the order ID of the item (an expression) or a campaign name. Empty: the agent and the phone alone, so a customer is reached once. A changed key dispatches again.',
			displayOptions: { show: whenOn },
		},
		{
			displayName: 'Remember Per',
			name: 'dispatchKeyScope',
			type: 'options',
			default: 'workflow',
			options: [
				{
					name: 'Workflow',
					value: 'workflow',
					description: 'Every node of this workflow that dispatches shares the keys',
				},
				{
					name: 'Node',
					value: 'node',
					description: 'Only this node sees its keys (a copy of the node starts empty)',
				},
			],
			displayOptions: { show: whenOn },
		},
		{
			displayName: 'Keys Kept',
			name: 'dispatchKeysKept',
			type: 'number',
			default: DEFAULT_KEYS_KEPT,
			typeOptions: { minValue: 1 },
			description:
				'How many keys n8n keeps for the scope; beyond it the oldest are forgotten (and those customers could be reached again). Every check reads and writes the whole list (about 27 bytes a key).',
			displayOptions: { show: whenOn },
		},
		{
			displayName: 'Forget Recorded Keys First',
			name: 'forgetDispatched',
			type: 'boolean',
			default: false,
			description:
				'Whether to clear every key of the scope at the start of the run, to start a new campaign; turn it off again afterwards, or every run starts over',
			displayOptions: { show: whenOn },
		},
	];
}

/** Who dispatched a key first: this run (when, and with which item), or an earlier one. */
export type FirstDispatch =
	| { by: 'thisRun'; at: string; itemIndex: number }
	/** Found in n8n's store, which keeps no time (also a run going on at the same moment). */
	| { by: 'earlierRun' };

/** The keys of one run: claims go to n8n's store, in-run repeats are caught here. */
export interface DispatchGuard {
	keyOf(itemIndex: number, phone: string): string;
	/** Claims the keys not dispatched yet, in one read and write of n8n's store; returns the items that may be sent. */
	claim(entries: Array<{ key: string; itemIndex: number }>): Promise<Set<number>>;
	/** Gives back claims whose request failed: their keys are not recorded. */
	release(keys: string[]): Promise<void>;
	/** Who dispatched a key the claim refused. */
	firstDispatch(key: string): FirstDispatch;
}

// One guard per run: Dispatch runs item by item with the same context.
const guardsOfRuns = new WeakMap<IExecuteFunctions, Promise<DispatchGuard | undefined>>();

/** The run's guard, or undefined when the option is off. Forgets the scope first when asked. */
export async function dispatchGuard(
	context: IExecuteFunctions,
): Promise<DispatchGuard | undefined> {
	let guard = guardsOfRuns.get(context);
	if (!guard) {
		guard = prepareGuard(context);
		guardsOfRuns.set(context, guard);
	}
	return await guard;
}

async function prepareGuard(context: IExecuteFunctions): Promise<DispatchGuard | undefined> {
	if (context.getNodeParameter('skipDispatched', 0, false) !== true) return undefined;
	const helpers = context.helpers;
	if (typeof helpers.checkProcessedAndRecord !== 'function') {
		throw new NodeOperationError(
			context.getNode(),
			`${OPTION} is unavailable on this n8n version: nothing was sent`,
			{
				itemIndex: 0,
				description: `It uses n8n's data deduplication, which n8n ${FIRST_N8N_WITH_DEDUPLICATION} and later have. Update n8n, or turn the option off.`,
			},
		);
	}
	const scope: DeduplicationScope =
		context.getNodeParameter('dispatchKeyScope', 0, 'workflow') === 'node' ? 'node' : 'workflow';
	const kept = Number(context.getNodeParameter('dispatchKeysKept', 0, DEFAULT_KEYS_KEPT));
	if (!Number.isInteger(kept) || kept < 1) {
		throw invalidField(context, 0, 'Keys Kept', `must be a whole number of 1 or more`);
	}
	const options: ICheckProcessedOptions = { mode: 'entries', maxEntries: kept };
	if (context.getNodeParameter('forgetDispatched', 0, false) === true) {
		await helpers.clearAllProcessedItems(scope, options);
	}

	const agent = agentOf(context);
	const extraOf = keyExtraReader(context);
	const inRun = new Map<string, FirstDispatch>();
	return {
		keyOf: (itemIndex, phone) => {
			const extra = extraOf(itemIndex);
			return extra ? `${agent} | ${phone} | ${extra}` : `${agent} | ${phone}`;
		},
		async claim(entries) {
			// The first item of each key not seen in this run; a repeat is skipped, never sent twice.
			const owners = new Map<string, number>();
			for (const { key, itemIndex } of entries) {
				if (!inRun.has(key) && !owners.has(key)) owners.set(key, itemIndex);
			}
			const claimed = new Set<number>();
			if (!owners.size) return claimed;
			const checked = await helpers.checkProcessedAndRecord([...owners.keys()], scope, options);
			for (const key of checked.processed) inRun.set(String(key), { by: 'earlierRun' });
			const at = new Date().toISOString();
			for (const key of checked.new.map(String)) {
				const itemIndex = owners.get(key) as number;
				inRun.set(key, { by: 'thisRun', at, itemIndex });
				claimed.add(itemIndex);
			}
			return claimed;
		},
		async release(keys) {
			if (!keys.length) return;
			for (const key of keys) inRun.delete(key);
			await helpers.removeProcessed(keys, scope, options);
		},
		firstDispatch: (key) => inRun.get(key) ?? { by: 'earlierRun' },
	};
}

/** The agent, as n8n knows it: the credential (one Agent Token per agent). */
function agentOf(context: IExecuteFunctions): string {
	const credential = context.getNode().credentials?.[CREDENTIAL_TYPES.agent];
	return `agent ${credential?.id ?? credential?.name ?? 'unsaved'}`;
}

/** What the Dispatch Key field adds, per item; read straight from the item where n8n allows. */
function keyExtraReader(context: IExecuteFunctions): (itemIndex: number) => string {
	// Unset, it is empty for every item: no evaluation per item (a Batch can have 10,000).
	if (context.getNode().parameters.dispatchKey === undefined) return () => '';
	const valueOf = perItemReader(context, 'dispatchKey', '');
	return (itemIndex) => {
		const value = valueOf(itemIndex);
		if (value === null || value === undefined) return '';
		if (typeof value === 'string') return value.trim();
		if (typeof value === 'number' || typeof value === 'boolean') return String(value);
		throw invalidField(
			context,
			itemIndex,
			'Dispatch Key',
			'is an object or a list: give a text, such as an order ID or a campaign name',
		);
	};
}

// The records `skippedRecord` made: how Dispatch and Wait tells a skipped contact from a conversation.
const skippedRecords = new WeakSet<IDataObject>();

/**
 * The output item of a contact left out: its key, who dispatched it first and, within a run, when
 * (`firstDispatchedAt`; null for an earlier run, whose time n8n does not keep).
 */
export function skippedRecord(guard: DispatchGuard, key: string, phone: string): IDataObject {
	const first = guard.firstDispatch(key);
	const record: IDataObject = {
		skipped: true,
		phone,
		dispatchKey: key,
		dispatchedBy: first.by,
		reason:
			first.by === 'thisRun'
				? `already dispatched in this run (item ${first.itemIndex})`
				: "already dispatched by an earlier run: its key is in n8n's store, which keeps no time",
		firstDispatchedAt: first.by === 'thisRun' ? first.at : null,
	};
	skippedRecords.add(record);
	return record;
}

/** Whether an operation's result is a contact left out (made by `skippedRecord`). */
export function isSkipped(result: object): boolean {
	return skippedRecords.has(result as IDataObject);
}

/**
 * Says in a failed request's error that its keys were given back: not recorded, so running again
 * sends them again. Whether Velents may have acted on the request is said by the transport's text.
 */
export function noteNotRecorded<T>(error: T, keys: string[]): T {
	if (!keys.length) return error;
	const note = `${keys.length === 1 ? `Its Dispatch Key "${keys[0]}" was` : `Its ${keys.length} Dispatch Keys were`} not recorded: running again sends ${keys.length === 1 ? 'it' : 'them'} again. If the message says Velents may have acted on it, check in Velents first.`;
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		error.description = [error.description, note].filter(Boolean).join(' ');
	}
	return error;
}
