/**
 * n8n's data-deduplication table (`processed_data`: one row per workflow and scope, the recorded
 * values as a JSON list of hashes), read without asking n8n: a Node.js process of the n8n
 * installation (Node 24 has `node:sqlite`) opens the SQLite database read-only (WAL mode: a reader
 * does not block n8n's writes). What the figures for "bytes per recorded key" come from.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

import type { N8nInstallation } from './install';

const run = promisify(execFile);

export interface ProcessedDataRow {
	/** '' for the workflow scope, `n:<node id>` for the node scope. */
	context: string;
	/** Bytes of the stored JSON value. */
	bytes: number;
	/** Values recorded in the row. */
	entries: number;
}

const READER = `
const { DatabaseSync } = require('node:sqlite');
const db = new DatabaseSync(process.argv[1], { readOnly: true });
const rows = db.prepare('SELECT context, value FROM processed_data WHERE workflowId = ?').all(process.argv[2]);
process.stdout.write(JSON.stringify(rows.map((row) => {
  const text = String(row.value);
  const value = JSON.parse(text);
  return { context: row.context, bytes: Buffer.byteLength(text), entries: Array.isArray(value.data) ? value.data.length : 1 };
})));
`;

export async function readProcessedData(
	installation: Pick<N8nInstallation, 'nodeBinary'>,
	userFolder: string,
	workflowId: string,
): Promise<ProcessedDataRow[]> {
	const database = path.join(userFolder, '.n8n', 'database.sqlite');
	const { stdout } = await run(installation.nodeBinary, [
		'--no-warnings',
		'-e',
		READER,
		database,
		workflowId,
	]);
	return JSON.parse(stdout) as ProcessedDataRow[];
}
