/**
 * n8n's data deduplication (`this.helpers.checkProcessedAndRecord` and relatives) for the harness.
 *
 * n8n-core holds the helpers and a process-wide `DataDeduplicationService`; the store behind it
 * lives in the n8n server (a database table, one row per workflow and scope). The harness has no
 * server, so it gives n8n-core's service an in-memory store that keeps the same row shape and the
 * same semantics, written here from their observed behaviour: values hashed (md5, base64), one JSON
 * list per (workflow, scope) trimmed oldest-first to `maxEntries`, and a check that reads the row,
 * changes it and writes it back with no lock in between (`latencyMs` spreads the read and the
 * write apart, as a database round trip would).
 */
import { createHash } from 'node:crypto';

import { DataDeduplicationService } from 'n8n-core';
import type {
	DeduplicationItemTypes,
	DeduplicationScope,
	ICheckProcessedContextData,
	ICheckProcessedOptions,
	IDataDeduplicator,
} from 'n8n-workflow';

interface StoredValue {
	mode: ICheckProcessedOptions['mode'];
	data: string[];
}

export class InMemoryDeduplicationStore implements IDataDeduplicator {
	/** The rows: key `workflowId|context`, value the JSON text a database column would hold. */
	readonly rows = new Map<string, string>();
	/** Time between reading a row and writing it back, in milliseconds. */
	latencyMs = 0;
	reads = 0;
	writes = 0;

	reset(): void {
		this.rows.clear();
		this.reads = this.writes = 0;
		this.latencyMs = 0;
	}

	/** Rows and bytes held, for the figures. */
	footprint(): { rows: number; bytes: number; entries: number } {
		let bytes = 0;
		let entries = 0;
		for (const [key, value] of this.rows) {
			bytes += Buffer.byteLength(key) + Buffer.byteLength(value);
			entries += (JSON.parse(value) as StoredValue).data.length;
		}
		return { rows: this.rows.size, bytes, entries };
	}

	async checkProcessedAndRecord(
		items: DeduplicationItemTypes[],
		scope: DeduplicationScope,
		context: ICheckProcessedContextData,
		options: ICheckProcessedOptions,
	): Promise<{ new: DeduplicationItemTypes[]; processed: DeduplicationItemTypes[] }> {
		const row = rowKey(scope, context);
		const stored = await this.read(row, options);
		const known = new Set(stored.data);
		const result = {
			new: [] as DeduplicationItemTypes[],
			processed: [] as DeduplicationItemTypes[],
		};
		for (const item of items) {
			const hash = hashOf(item);
			if (known.has(hash)) {
				result.processed.push(item);
			} else {
				result.new.push(item);
				stored.data.push(hash);
			}
		}
		trim(stored, options);
		await this.write(row, stored);
		return result;
	}

	async removeProcessed(
		items: DeduplicationItemTypes[],
		scope: DeduplicationScope,
		context: ICheckProcessedContextData,
		options: ICheckProcessedOptions,
	): Promise<void> {
		const row = rowKey(scope, context);
		if (!this.rows.has(row)) return;
		const stored = await this.read(row, options);
		const removed = new Set(items.map(hashOf));
		stored.data = stored.data.filter((hash) => !removed.has(hash));
		await this.write(row, stored);
	}

	async clearAllProcessedItems(
		scope: DeduplicationScope,
		context: ICheckProcessedContextData,
	): Promise<void> {
		this.rows.delete(rowKey(scope, context));
	}

	async getProcessedDataCount(
		scope: DeduplicationScope,
		context: ICheckProcessedContextData,
	): Promise<number> {
		const value = this.rows.get(rowKey(scope, context));
		return value ? (JSON.parse(value) as StoredValue).data.length : 0;
	}

	private async read(row: string, options: ICheckProcessedOptions): Promise<StoredValue> {
		this.reads++;
		const text = this.rows.get(row);
		await pause(this.latencyMs);
		const stored = text ? (JSON.parse(text) as StoredValue) : { mode: options.mode, data: [] };
		if (stored.mode !== options.mode) {
			throw new Error(`Deduplication row saved in mode ${stored.mode}, not ${options.mode}`);
		}
		return stored;
	}

	private async write(row: string, stored: StoredValue): Promise<void> {
		this.writes++;
		this.rows.set(row, JSON.stringify(stored));
		await pause(0);
	}
}

/** One store for the process: n8n-core's service is a singleton that can be initialised once. */
let store: InMemoryDeduplicationStore | undefined;

export async function harnessDeduplicationStore(): Promise<InMemoryDeduplicationStore> {
	if (!store) {
		store = new InMemoryDeduplicationStore();
		await DataDeduplicationService.init(store);
	}
	return store;
}

function rowKey(scope: DeduplicationScope, context: ICheckProcessedContextData): string {
	const where = scope === 'node' ? `n:${context.node?.id ?? ''}` : '';
	return `${context.workflow.id}|${where}`;
}

function hashOf(item: DeduplicationItemTypes): string {
	return createHash('md5').update(String(item)).digest('base64');
}

function trim(stored: StoredValue, options: ICheckProcessedOptions): void {
	if (options.maxEntries && stored.data.length > options.maxEntries) {
		stored.data.splice(0, stored.data.length - options.maxEntries);
	}
}

async function pause(ms: number): Promise<void> {
	await new Promise<void>((resolve) => (ms > 0 ? setTimeout(resolve, ms) : setImmediate(resolve)));
}
