/**
 * The compatibility run: the end-to-end test (`test/e2e/n8n.e2e.ts`, the same jest run as
 * `npm run test:e2e`) against every n8n pinned in `tools/n8n/version.ts` — the oldest n8n the
 * package loads in (the tests its REST API allows), the newest 1.x on Node 20 and the pinned 2.x
 * on Node 24 — one after the other (one n8n at a time), then a summary
 * table. Exits 1 unless every version passed.
 *
 *   npm run build && npx tsx tools/compat.ts [--only <version>[,<version>]]
 *
 * It does not build: it tests `dist/` as it is (the package.json script builds first). The first
 * run of a version installs it into the cache (`VELENTS_N8N_CACHE`, default
 * ~/.cache/n8n-nodes-velents; 1.x: about 6 minutes and 1.9 GB). n8n's port search starts at
 * `VELENTS_N8N_PORT` (default here 5750, away from the dev mode's 5690).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { cacheRoot, cleanNpmEnv, installDir, isInstalled } from './n8n/install';
import { killTree, seconds } from './n8n/process';
import { PORT_ENV } from './n8n/server';
import { N8N_1X_VERSION, N8N_TARGETS, N8N_VERSION, VERSION_ENV } from './n8n/version';
import type { N8nTarget } from './n8n/version';

const REPO_ROOT = path.resolve(__dirname, '..');
const DEFAULT_PORT = '5750';
/** Past this, a version's run is killed (a cold install is about 10 minutes, the test about 1). */
const RUN_TIMEOUT_MS = 60 * 60_000;

interface Outcome {
	target: N8nTarget;
	cache: 'cold' | 'warm';
	result: 'PASS' | 'FAIL';
	passed: number;
	total: number;
	durationMs: number;
	note: string;
}

/** jest's `--json` report (the fields used here). */
interface JestReport {
	success: boolean;
	numPassedTests: number;
	numTotalTests: number;
	/** Tests left out by the target's `e2eTests` pattern. */
	numPendingTests: number;
	numRuntimeErrorTestSuites: number;
	testResults: Array<{ message?: string }>;
}

function parseOnly(argv: readonly string[]): N8nTarget[] {
	const order = [N8N_1X_VERSION, N8N_VERSION];
	const all = [
		...order,
		...Object.keys(N8N_TARGETS).filter((version) => !order.includes(version as never)),
	];
	const index = argv.findIndex((arg) => arg === '--only' || arg.startsWith('--only='));
	if (index < 0) return all.map((version) => (N8N_TARGETS as Record<string, N8nTarget>)[version]);
	const value = argv[index].includes('=')
		? argv[index].slice('--only='.length)
		: (argv[index + 1] ?? '');
	const wanted = value
		.split(',')
		.map((version) => version.trim())
		.filter(Boolean);
	const unknown = wanted.filter((version) => !all.includes(version));
	if (wanted.length === 0 || unknown.length > 0) {
		throw new Error(
			`--only takes pinned n8n versions (${all.join(', ')})${unknown.length ? `; not pinned: ${unknown.join(', ')}` : ''}.`,
		);
	}
	return all
		.filter((version) => wanted.includes(version))
		.map((version) => (N8N_TARGETS as Record<string, N8nTarget>)[version]);
}

/** Runs the end-to-end jest config against one n8n; its output streams through. */
async function runE2e(target: N8nTarget, reportFile: string): Promise<number | null> {
	const jest = path.join(REPO_ROOT, 'node_modules', 'jest', 'bin', 'jest.js');
	const child = spawn(
		process.execPath,
		[
			jest,
			'--config',
			'jest.e2e.config.js',
			'--json',
			`--outputFile=${reportFile}`,
			...(target.e2eTests ? ['--testNamePattern', target.e2eTests] : []),
		],
		{
			cwd: REPO_ROOT,
			env: {
				...cleanNpmEnv(),
				[VERSION_ENV]: target.n8n,
				[PORT_ENV]: process.env[PORT_ENV] ?? DEFAULT_PORT,
			},
			stdio: 'inherit',
			detached: process.platform !== 'win32',
		},
	);
	const forward = (): void => killTree(child.pid, 'SIGTERM');
	process.once('SIGINT', forward);
	process.once('SIGTERM', forward);
	const timer = setTimeout(() => killTree(child.pid, 'SIGKILL'), RUN_TIMEOUT_MS);
	try {
		return await new Promise<number | null>((resolve) => {
			child.once('exit', (code) => resolve(code));
			child.once('error', () => resolve(null));
		});
	} finally {
		clearTimeout(timer);
		process.off('SIGINT', forward);
		process.off('SIGTERM', forward);
	}
}

async function readReport(file: string): Promise<JestReport | null> {
	try {
		return JSON.parse(await readFile(file, 'utf8')) as JestReport;
	} catch {
		return null;
	}
}

function table(outcomes: readonly Outcome[]): string {
	const rows = [
		['n8n', 'Node.js', 'n8n cache', 'result', 'tests passed', 'time', 'note'],
		...outcomes.map((outcome) => [
			outcome.target.n8n,
			outcome.target.node,
			outcome.cache,
			outcome.result,
			`${outcome.passed}/${outcome.total}`,
			seconds(outcome.durationMs),
			outcome.note,
		]),
	];
	if (outcomes.every((outcome) => !outcome.note)) rows.forEach((row) => row.pop()); // no notes: no column
	const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
	const line = (row: string[]): string =>
		`| ${row.map((cell, column) => cell.padEnd(widths[column])).join(' | ')} |`;
	return [
		line(rows[0]),
		`|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`,
		...rows.slice(1).map(line),
	].join('\n');
}

async function main(): Promise<void> {
	const targets = parseOnly(process.argv.slice(2));
	if (!existsSync(path.join(REPO_ROOT, 'dist', 'nodes'))) {
		throw new Error('dist/ is missing: run `npm run build` first (the compat script line does).');
	}
	const scratch = await mkdtemp(path.join(os.tmpdir(), 'velents-compat-'));
	const outcomes: Outcome[] = [];
	try {
		for (const target of targets) {
			const cache = (await isInstalled(installDir(cacheRoot(), target), target)) ? 'warm' : 'cold';
			console.log(`\n=== n8n ${target.n8n} on Node.js ${target.node} (${cache} cache) ===\n`);
			const reportFile = path.join(scratch, `jest-${target.n8n}.json`);
			const started = Date.now();
			const code = await runE2e(target, reportFile);
			const durationMs = Date.now() - started;
			const report = await readReport(reportFile);
			const ran = report ? report.numTotalTests - report.numPendingTests : 0;
			const passed =
				code === 0 && report?.success === true && report.numPassedTests === ran && ran > 0;
			const suiteError = report?.testResults
				.map((result) => result.message ?? '')
				.find((message) => message.includes('beforeAll'));
			outcomes.push({
				target,
				cache,
				result: passed ? 'PASS' : 'FAIL',
				passed: report?.numPassedTests ?? 0,
				total: ran,
				durationMs,
				note: passed
					? ''
					: report
						? suiteError
							? 'set-up failed (see above)'
							: 'see the failures above'
						: `jest exited with ${code ?? 'a signal'}, no report`,
			});
		}
	} finally {
		await rm(scratch, { recursive: true, force: true });
	}

	console.log(`\nCompatibility (end-to-end tests, test/e2e/):\n${table(outcomes)}`);
	if (outcomes.some((outcome) => outcome.result !== 'PASS')) process.exit(1);
}

main().catch((error: unknown) => {
	console.error(error instanceof Error ? error.message : error);
	process.exit(1);
});
