/**
 * `npm run lint:n8n-node`: n8n's own `n8n-node lint` (@n8n/node-cli) in strict mode, on exactly what
 * the package publishes. Strict mode wants the folder's eslint.config.mjs to be n8n's default and lints
 * every `.ts` file under it, tooling included; so it runs on a staged copy of package.json, nodes/,
 * credentials/ and icons/ with the default config beside them, and the repository keeps its own
 * eslint.config.mjs for the rest. Fails on any finding, warnings included.
 */
import { spawnSync } from 'node:child_process';
import { cp, mkdtemp, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const PUBLISHED = ['package.json', 'nodes', 'credentials', 'icons'];
/** The config `n8n-node new` writes, which strict mode requires unchanged. */
const DEFAULT_ESLINT_CONFIG = path.join(
	ROOT,
	'node_modules/@n8n/node-cli/dist/template/templates/shared/default/eslint.config.mjs',
);

async function main(): Promise<number> {
	const stage = await mkdtemp(path.join(os.tmpdir(), 'velents-n8n-node-lint-'));
	try {
		for (const entry of PUBLISHED)
			await cp(path.join(ROOT, entry), path.join(stage, entry), { recursive: true });
		await cp(DEFAULT_ESLINT_CONFIG, path.join(stage, 'eslint.config.mjs'));
		// The config and the nodes' imports resolve from the repository's dependencies.
		await symlink(path.join(ROOT, 'node_modules'), path.join(stage, 'node_modules'), 'dir');
		const lint = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'n8n-node'), ['lint'], {
			cwd: stage,
			encoding: 'utf8',
		});
		if (lint.error) throw lint.error;
		process.stdout.write(lint.stdout);
		process.stderr.write(lint.stderr);
		// n8n-node exits 0 on warnings; a warning is a finding too (ESLint's summary names problems).
		const findings = /\d+ problems? \(/.test(`${lint.stdout}${lint.stderr}`);
		if (lint.status === 0 && !findings) {
			console.log(`n8n-node lint (strict): ${PUBLISHED.join(', ')} pass with no finding.`);
			return 0;
		}
		return lint.status || 1;
	} finally {
		await rm(stage, { recursive: true, force: true });
	}
}

main().then(
	(status) => process.exit(status),
	(error: unknown) => {
		console.error(error instanceof Error ? (error.stack ?? error.message) : error);
		process.exit(1);
	},
);
