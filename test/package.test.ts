/**
 * The package as npm publishes it, checked against the rules n8n's verification applies to a
 * community package: what the tarball holds, what package.json declares, and n8n's lint rules on
 * the published JavaScript. Needs `npm run build` first (the test command builds).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { ESLint } from 'eslint';

const ROOT = path.resolve(__dirname, '..');

interface Manifest {
	name: string;
	license: string;
	keywords: string[];
	main: string;
	files: string[];
	dependencies?: Record<string, string>;
	peerDependencies?: Record<string, string>;
	n8n: { n8nNodesApiVersion: number; strict: boolean; nodes: string[]; credentials: string[] };
}

const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as Manifest;
const workFolder = mkdtempSync(path.join(tmpdir(), 'velents-tarball-'));
afterAll(() => rmSync(workFolder, { recursive: true, force: true }));

/** `npm pack` for real, unpacked: exactly what users install. */
function packAndUnpack(): { files: string[]; folder: string } {
	const output = execFileSync('npm', ['pack', '--json', '--pack-destination', workFolder], {
		cwd: ROOT,
		encoding: 'utf8',
	});
	const [packed] = JSON.parse(output) as Array<{
		filename: string;
		files: Array<{ path: string }>;
	}>;
	execFileSync('tar', ['-xzf', path.join(workFolder, packed.filename), '-C', workFolder]);
	return {
		files: packed.files.map((file) => file.path).sort(),
		folder: path.join(workFolder, 'package'),
	};
}

const tarball = packAndUnpack();

/** ESLint in a process of its own (its flat config is an ES module, which jest's sandbox cannot import). */
function lintTarball(): ESLint.LintResult[] {
	const eslint = path.join(ROOT, 'node_modules', '.bin', 'eslint');
	const config = path.join(ROOT, 'eslint.dist.config.mjs');
	const args = ['--config', config, '--format', 'json', '**/*.js', 'package.json'];
	try {
		return JSON.parse(
			execFileSync(eslint, args, { cwd: tarball.folder, encoding: 'utf8' }),
		) as ESLint.LintResult[];
	} catch (error) {
		// ESLint exits 1 when it finds problems; its report is still on stdout.
		const stdout = (error as { stdout?: string }).stdout;
		if (!stdout) throw error;
		return JSON.parse(stdout) as ESLint.LintResult[];
	}
}

describe('package.json, as n8n requires of a community package', () => {
	it('is named n8n-nodes-*, MIT, with the community keyword', () => {
		expect(manifest.name).toMatch(/^n8n-nodes-/);
		expect(manifest.license).toBe('MIT');
		expect(manifest.keywords).toContain('n8n-community-node-package');
	});

	it('has no runtime dependencies, and n8n-workflow as its only peer', () => {
		expect(manifest.dependencies ?? {}).toEqual({});
		expect(manifest.peerDependencies).toEqual({ 'n8n-workflow': '*' });
	});

	it('declares its nodes and credentials for n8n API version 1, strict', () => {
		expect(manifest.n8n).toMatchObject({ n8nNodesApiVersion: 1, strict: true });
		expect(manifest.n8n.nodes).toHaveLength(3);
		expect(manifest.n8n.credentials).toHaveLength(2);
	});
});

describe('the sources', () => {
	it('no file in nodes/ or credentials/ is longer than 300 lines, so each reads as one concern', () => {
		const tooLong = ['nodes', 'credentials']
			.flatMap((folder) =>
				readdirSync(path.join(ROOT, folder), { recursive: true, encoding: 'utf8' }).map((file) =>
					path.join(folder, file),
				),
			)
			.filter((file) => file.endsWith('.ts'))
			.map((file) => ({
				file,
				lines: readFileSync(path.join(ROOT, file), 'utf8').trimEnd().split('\n').length,
			}))
			.filter(({ lines }) => lines > 300);
		expect(tooLong).toEqual([]);
	});
});

describe('the tarball', () => {
	it('holds only dist/, the entry point and the docs', () => {
		const allowed = /^(dist\/.+|package\.json|README\.md|LICENSE|CHANGELOG\.md|index\.js)$/;
		expect(tarball.files.filter((file) => !allowed.test(file))).toEqual([]);
	});

	it('holds every file the n8n section names, and each node’s codex', () => {
		for (const file of [...manifest.n8n.nodes, ...manifest.n8n.credentials]) {
			expect(tarball.files).toContain(file);
			expect(existsSync(path.join(tarball.folder, file))).toBe(true);
		}
		for (const node of manifest.n8n.nodes)
			expect(tarball.files).toContain(node.replace(/\.js$/, '.json'));
	});

	it('holds every icon a node or credential names, light and dark', () => {
		const icons = new Set<string>();
		for (const file of [...manifest.n8n.nodes, ...manifest.n8n.credentials]) {
			const source = readFileSync(path.join(tarball.folder, file), 'utf8');
			for (const [, icon] of source.matchAll(/'file:([^']+)'/g))
				icons.add(path.join(path.dirname(file), icon));
		}
		expect(icons.size).toBeGreaterThanOrEqual(2);
		for (const icon of icons) expect(tarball.files).toContain(icon);
	});

	it('holds no compiled file without its source (the output of a moved or deleted one)', () => {
		const orphans = tarball.files
			.filter((file) => file.endsWith('.js') && file.startsWith('dist/'))
			.map((file) => file.replace(/^dist\//, '').replace(/\.js$/, '.ts'))
			.filter((source) => !existsSync(path.join(ROOT, source)));
		expect(orphans).toEqual([]);
	});

	it('requires nothing but n8n-workflow, Node’s built-ins and its own files at run time', () => {
		const external = new Set<string>();
		for (const file of tarball.files.filter((name) => name.endsWith('.js'))) {
			const source = readFileSync(path.join(tarball.folder, file), 'utf8');
			for (const [, module] of source.matchAll(/require\("([^"]+)"\)/g)) {
				if (!module.startsWith('.')) external.add(module);
			}
		}
		// `crypto` is a Node built-in the verification rules allow (the trigger hashes events with it).
		expect(
			[...external].filter((module) => !['n8n-workflow', 'crypto', 'node:crypto'].includes(module)),
		).toEqual([]);
	});

	it('passes n8n’s verification lint rules on its JavaScript and package.json, inline disables ignored', () => {
		const results = lintTarball();
		const problems = results.flatMap((result) =>
			result.messages.map(
				(message) =>
					`${path.relative(tarball.folder, result.filePath)}:${message.line} ${message.ruleId}: ${message.message}`,
			),
		);
		expect(results.length).toBeGreaterThan(10);
		expect(problems).toEqual([]);
	});
});
