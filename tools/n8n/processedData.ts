/**
 * n8n's data-deduplication table (`processed_data`: one row per workflow and scope, the recorded
 * values as a JSON list of hashes), read without asking n8n: a Node.js process of the n8n
 * installation opens the SQLite database read-only with n8n's own driver (`sqlite3`, built for that
 * Node.js: n8n 1.x runs on Node 20, which has no `node:sqlite`); a reader does not block n8n's
 * writes (WAL mode). What the figures for "bytes per recorded key" come from.
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
const [database, workflowId, installDir] = process.argv.slice(1);
const sqlite3 = require(require.resolve('sqlite3', { paths: [installDir] }));
const fail = (error) => { process.stderr.write(String(error)); process.exit(1); };
const db = new sqlite3.Database(database, sqlite3.OPEN_READONLY, (error) => error && fail(error));
db.all('SELECT context, value FROM processed_data WHERE workflowId = ?', [workflowId], (error, rows) => {
  if (error) fail(error);
  process.stdout.write(JSON.stringify(rows.map((row) => {
    const text = String(row.value);
    const value = JSON.parse(text);
    return { context: row.context, bytes: Buffer.byteLength(text), entries: Array.isArray(value.data) ? value.data.length : 1 };
  })));
  db.close();
});
`;

export async function readProcessedData(
	installation: Pick<N8nInstallation, 'nodeBinary' | 'dir'>,
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
		installation.dir,
	]);
	return JSON.parse(stdout) as ProcessedDataRow[];
}
