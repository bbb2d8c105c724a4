/**
 * The package as users get it: `npm pack`, then installed into an n8n user folder exactly as n8n
 * 2.41's community-package installer does it (`CommunityPackagesService.downloadPackage`):
 *
 *   1. the tarball is unpacked into `<user>/.n8n/nodes/node_modules/<name>` (`tar --strip-components=1`);
 *   2. `devDependencies`, `peerDependencies` and `optionalDependencies` are dropped from its package.json;
 *   3. `npm install --audit=false --fund=false --bin-links=false --install-strategy=shallow
 *      --ignore-scripts=true --package-lock=false` runs inside it (our package has no dependencies);
 *   4. `<user>/.n8n/nodes/package.json` records the dependency.
 *
 * At start, n8n loads every `n8n-nodes-*` folder in `<user>/.n8n/nodes/node_modules`. `n8n-workflow`
 * resolves from n8n's own install (n8n adds its module paths to NODE_PATH), so nothing outside the
 * tarball is needed, and nothing else is installed.
 */
import { mkdir, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';

import { cleanNpmEnv } from './install';
import { run } from './process';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

export interface PackedPackage {
	tarball: string;
	name: string;
	version: string;
	files: string[];
}

/** `npm run build` in the repository (or in a copy of it made by `packRevision`). */
export async function buildPackage(root = REPO_ROOT): Promise<number> {
	const result = await run('npm', ['run', 'build'], {
		cwd: root,
		env: cleanNpmEnv(),
		timeoutMs: 10 * 60_000,
	});
	return result.durationMs;
}

/** `npm pack` of the repository (as built; or of a copy of it) into `destination`. */
export async function packPackage(destination: string, root = REPO_ROOT): Promise<PackedPackage> {
	await mkdir(destination, { recursive: true });
	const result = await run(
		'npm',
		['pack', '--json', '--ignore-scripts', '--pack-destination', destination],
		{
			cwd: root,
			env: cleanNpmEnv(),
			timeoutMs: 5 * 60_000,
		},
	);
	const start = result.stdout.indexOf('[');
	const [packed] = JSON.parse(result.stdout.slice(start)) as Array<{
		filename: string;
		name: string;
		version: string;
		files: Array<{ path: string }>;
	}>;
	return {
		tarball: path.join(destination, packed.filename),
		name: packed.name,
		version: packed.version,
		files: packed.files.map((file) => file.path),
	};
}

/**
 * The package as it was at a git revision, built and packed in `scratch` (to measure an earlier
 * behaviour side by side with today's): the revision's files from `git archive`, built with this
 * checkout's node_modules. The repository itself is only read.
 */
export async function packRevision(revision: string, scratch: string): Promise<PackedPackage> {
	const source = path.join(scratch, 'source');
	const archive = path.join(scratch, 'source.tar');
	await mkdir(source, { recursive: true });
	await run('git', ['-C', REPO_ROOT, 'archive', '--format=tar', '-o', archive, revision], {
		timeoutMs: 60_000,
	});
	await run('tar', ['-xf', archive, '-C', source], { timeoutMs: 60_000 });
	await symlink(path.join(REPO_ROOT, 'node_modules'), path.join(source, 'node_modules'), 'dir');
	await buildPackage(source);
	return await packPackage(path.join(scratch, 'pack'), source);
}

/** The community-nodes folder of an n8n user folder. */
export function communityNodesDir(userFolder: string): string {
	return path.join(userFolder, '.n8n', 'nodes');
}

/** Installs a packed tarball as n8n's community-package installer does (see the file comment). */
export async function installCommunityPackage(
	userFolder: string,
	packed: PackedPackage,
): Promise<string> {
	const nodesDir = communityNodesDir(userFolder);
	const packageDir = path.join(nodesDir, 'node_modules', packed.name);
	await rm(packageDir, { recursive: true, force: true });
	await mkdir(packageDir, { recursive: true });
	await run('tar', ['-xzf', packed.tarball, '-C', packageDir, '--strip-components=1'], {
		timeoutMs: 60_000,
	});

	const manifestPath = path.join(packageDir, 'package.json');
	const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as Record<string, unknown>;
	delete manifest.devDependencies;
	delete manifest.peerDependencies;
	delete manifest.optionalDependencies;
	await writeFile(manifestPath, JSON.stringify(manifest, null, 2), 'utf8');

	await run(
		'npm',
		[
			'install',
			'--audit=false',
			'--fund=false',
			'--bin-links=false',
			'--install-strategy=shallow',
			'--ignore-scripts=true',
			'--package-lock=false',
		],
		{ cwd: packageDir, env: cleanNpmEnv(), timeoutMs: 5 * 60_000 },
	);

	const ledgerPath = path.join(nodesDir, 'package.json');
	let ledger: { name: string; private: boolean; dependencies: Record<string, string> };
	try {
		ledger = JSON.parse(await readFile(ledgerPath, 'utf8')) as typeof ledger;
	} catch {
		ledger = { name: 'installed-nodes', private: true, dependencies: {} };
	}
	ledger.dependencies = { ...ledger.dependencies, [packed.name]: packed.version };
	await writeFile(ledgerPath, JSON.stringify(ledger, null, 2), 'utf8');
	return packageDir;
}

/** Every file under a folder, relative to it (to compare an install with the tarball). */
export async function listFiles(dir: string, prefix = ''): Promise<string[]> {
	const entries = await readdir(path.join(dir, prefix), { withFileTypes: true });
	const files: string[] = [];
	for (const entry of entries) {
		const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
		if (entry.isDirectory()) files.push(...(await listFiles(dir, relative)));
		else files.push(relative);
	}
	return files.sort();
}
