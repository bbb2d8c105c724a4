/**
 * Installs a pinned n8n (and the Node.js it needs) once, into a cache folder outside the
 * package's own node_modules:
 *
 *   ${VELENTS_N8N_CACHE:-~/.cache/n8n-nodes-velents}/n8n-<version>/
 *
 * A completion marker is written last, so an interrupted install is started again from scratch.
 * What works on these machines (see the engineering notes): `npm install n8n node-<os>-<arch>
 * --ignore-scripts` in ONE command (a later separate install prunes n8n's packages), then only the
 * SQLite driver rebuilt against that Node's headers. The same for every pinned n8n (2.41.1 with
 * Node 24, 1.123.81 with Node 20); `VELENTS_N8N_VERSION` selects one (see version.ts).
 *
 * `npx tsx tools/n8n/install.ts` runs it alone.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { run, seconds, sleep } from './process';
import { nodeRuntimePackage, selectedN8n } from './version';
import type { N8nTarget } from './version';

export interface N8nInstallation {
	/** The install folder (holds node_modules/n8n). */
	dir: string;
	n8nVersion: string;
	nodeVersion: string;
	/** n8n's major version (what its REST API and environment differ by). */
	major: N8nTarget['major'];
	/** The Node.js binary n8n runs on. */
	nodeBinary: string;
	/** n8n's CLI script (run it with `nodeBinary`). */
	n8nBin: string;
	/** Whether this call installed it (false: it was already in the cache). */
	installedNow: boolean;
	/** How long this call took. */
	durationMs: number;
}

interface Marker {
	n8n: string;
	node: string;
	nodePackage: string;
	installedAt: string;
	installMs: number;
	rebuildMs: number;
}

export const CACHE_ENV = 'VELENTS_N8N_CACHE';
const MARKER = '.velents-install-complete.json';
const INSTALL_TIMEOUT_MS = 30 * 60_000;
const REBUILD_TIMEOUT_MS = 15 * 60_000;
const LOCK_STALE_MS = 60 * 60_000;

export function cacheRoot(): string {
	const configured = process.env[CACHE_ENV];
	return configured
		? path.resolve(configured)
		: path.join(os.homedir(), '.cache', 'n8n-nodes-velents');
}

export function installDir(root = cacheRoot(), target: N8nTarget = selectedN8n()): string {
	return path.join(root, `n8n-${target.n8n}`);
}

function runtimePaths(
	dir: string,
): Pick<N8nInstallation, 'nodeBinary' | 'n8nBin'> & { nodeDir: string } {
	const nodeDir = path.join(dir, 'node_modules', nodeRuntimePackage());
	const nodeBinary =
		process.platform === 'win32'
			? path.join(nodeDir, 'node.exe')
			: path.join(nodeDir, 'bin', 'node');
	return { nodeDir, nodeBinary, n8nBin: path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n') };
}

/**
 * The environment for the npm commands: this process's, without what `npm run` exported to it
 * (`npm_config_local_prefix` and the like would point npm back at this repository, and the
 * repository's `ignore-scripts` must not reach the SQLite rebuild).
 */
export function cleanNpmEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {};
	for (const [key, value] of Object.entries(process.env)) {
		if (/^npm_/i.test(key) || key === 'INIT_CWD' || key === 'NODE_ENV' || key.startsWith('JEST_'))
			continue;
		env[key] = value;
	}
	return { ...env, ...extra };
}

async function readMarker(dir: string, target: N8nTarget): Promise<Marker | null> {
	try {
		const marker = JSON.parse(await readFile(path.join(dir, MARKER), 'utf8')) as Marker;
		return marker.n8n === target.n8n && marker.node === target.node ? marker : null;
	} catch {
		return null;
	}
}

/** Whether the cache holds a complete install of the pinned versions. */
export async function isInstalled(
	dir = installDir(),
	target: N8nTarget = selectedN8n(),
): Promise<boolean> {
	if (!(await readMarker(dir, target))) return false;
	const { nodeBinary, n8nBin } = runtimePaths(dir);
	return existsSync(nodeBinary) && existsSync(n8nBin);
}

/** One install at a time per cache folder (the dev mode and a test may start together). */
async function withLock<T>(
	dir: string,
	log: (line: string) => void,
	work: () => Promise<T>,
): Promise<T> {
	const lock = `${dir}.lock`;
	await mkdir(path.dirname(lock), { recursive: true });
	const deadline = Date.now() + INSTALL_TIMEOUT_MS + REBUILD_TIMEOUT_MS;
	let told = false;
	for (;;) {
		try {
			await mkdir(lock);
			await writeFile(path.join(lock, 'pid'), String(process.pid));
			break;
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
			if (await isStaleLock(lock)) {
				await rm(lock, { recursive: true, force: true });
				continue;
			}
			if (Date.now() > deadline)
				throw new Error(`Timed out waiting for another n8n install (${lock}).`);
			if (!told) log(`Another process is installing n8n into ${dir}; waiting for it…`);
			told = true;
			await sleep(2000);
		}
	}
	try {
		return await work();
	} finally {
		await rm(lock, { recursive: true, force: true });
	}
}

async function isStaleLock(lock: string): Promise<boolean> {
	try {
		const pid = Number(await readFile(path.join(lock, 'pid'), 'utf8'));
		if (Number.isInteger(pid) && pid > 0) {
			try {
				process.kill(pid, 0);
			} catch {
				return true; // its owner is gone
			}
		}
		return Date.now() - (await stat(lock)).mtimeMs > LOCK_STALE_MS;
	} catch {
		return true;
	}
}

/**
 * Installs a pinned n8n (default: the one `VELENTS_N8N_VERSION` selects, else 2.41.1) into the
 * cache unless it is already there; returns where it is.
 */
export async function ensureN8n(
	options: { log?: (line: string) => void; target?: N8nTarget } = {},
): Promise<N8nInstallation> {
	const log = options.log ?? ((line: string) => console.log(line));
	const target = options.target ?? selectedN8n();
	const started = Date.now();
	const dir = installDir(cacheRoot(), target);
	const describe = (installedNow: boolean): N8nInstallation => ({
		dir,
		n8nVersion: target.n8n,
		nodeVersion: target.node,
		major: target.major,
		...runtimePaths(dir),
		installedNow,
		durationMs: Date.now() - started,
	});
	if (await isInstalled(dir, target)) return describe(false);

	return await withLock(dir, log, async () => {
		if (await isInstalled(dir, target)) return describe(false); // another process finished it meanwhile

		const { nodeDir, nodeBinary } = runtimePaths(dir);
		const logFile = path.join(path.dirname(dir), `n8n-${target.n8n}-install.log`);
		log(
			`Installing n8n ${target.n8n} and Node.js ${target.node} into ${dir} (once; 7 to 10 minutes, 2 to 3 GB; log: ${logFile})`,
		);
		await rm(dir, { recursive: true, force: true });
		await mkdir(dir, { recursive: true });
		await writeFile(logFile, `n8n ${target.n8n} install, ${new Date().toISOString()}\n`);
		await writeFile(
			path.join(dir, 'package.json'),
			`${JSON.stringify(
				{
					name: 'velents-n8n-runtime',
					private: true,
					description: 'n8n for the n8n-nodes-velents dev mode and end-to-end test',
					...(target.overrides ? { overrides: target.overrides } : {}),
				},
				null,
				2,
			)}\n`,
		);

		const npmEnv = cleanNpmEnv();
		const install = await run(
			'npm',
			[
				'install',
				`n8n@${target.n8n}`,
				`${nodeRuntimePackage()}@${target.node}`,
				'--save-exact',
				'--ignore-scripts',
				'--no-audit',
				'--no-fund',
				'--loglevel=warn',
			],
			{ cwd: dir, env: npmEnv, timeoutMs: INSTALL_TIMEOUT_MS, logFile },
		);
		log(`  npm install: ${seconds(install.durationMs)}`);

		// Only the SQLite driver is needed natively; it is built against the runtime's own headers.
		const rebuild = await run(
			'npm',
			['rebuild', 'sqlite3', '--ignore-scripts=false', '--foreground-scripts', '--loglevel=warn'],
			{
				cwd: dir,
				env: cleanNpmEnv({
					PATH: `${path.dirname(nodeBinary)}${path.delimiter}${process.env.PATH ?? ''}`,
					npm_config_nodedir: nodeDir,
				}),
				timeoutMs: REBUILD_TIMEOUT_MS,
				logFile,
			},
		);
		log(`  SQLite driver rebuilt for Node.js ${target.node}: ${seconds(rebuild.durationMs)}`);

		const check = await run(
			nodeBinary,
			[
				'-e',
				`require(require.resolve('sqlite3', { paths: [${JSON.stringify(path.join(dir, 'node_modules', 'n8n'))}] })); console.log(process.version)`,
			],
			{ cwd: dir, env: cleanNpmEnv(), timeoutMs: 60_000, logFile },
		);
		if (check.stdout.trim() !== `v${target.node}`) {
			throw new Error(
				`The installed Node.js reports ${check.stdout.trim()}, expected v${target.node}.`,
			);
		}

		const marker: Marker = {
			n8n: target.n8n,
			node: target.node,
			nodePackage: nodeRuntimePackage(),
			installedAt: new Date().toISOString(),
			installMs: install.durationMs,
			rebuildMs: rebuild.durationMs,
		};
		await writeFile(path.join(dir, MARKER), `${JSON.stringify(marker, null, 2)}\n`);
		const done = describe(true);
		log(`n8n ${target.n8n} installed in ${seconds(done.durationMs)}.`);
		return done;
	});
}

if (require.main === module) {
	ensureN8n()
		.then((installation) => {
			console.log(
				installation.installedNow
					? `Installed: ${installation.dir}`
					: `Already installed (warm cache, ${seconds(installation.durationMs)}): ${installation.dir}`,
			);
		})
		.catch((error: unknown) => {
			console.error(error instanceof Error ? error.message : error);
			process.exit(1);
		});
}
