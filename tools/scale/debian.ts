/**
 * The servers the scale test needs come from Debian's packages. When one is missing, it is
 * installed with apt-get (as root, as on the project's machines and CI); without root the test stops
 * and says which package to install.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

import { run, seconds } from '../n8n/process';

let aptUpdated = false;

export function isRoot(): boolean {
	return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** The first path where `name` is an executable on PATH, or null. */
export function onPath(name: string): string | null {
	for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
		const candidate = path.join(dir, name);
		if (dir && existsSync(candidate)) return candidate;
	}
	return null;
}

/** Installs a Debian package (apt-get update once per process first). */
export async function aptInstall(
	debianPackage: string,
	log: (line: string) => void,
): Promise<void> {
	if (!isRoot()) {
		throw new Error(
			`The scale test needs the Debian package "${debianPackage}": install it (apt-get install ${debianPackage}) and run it again.`,
		);
	}
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	log(`Installing ${debianPackage} from Debian's packages…`);
	if (!aptUpdated) {
		await run('apt-get', ['update'], { env, timeoutMs: 10 * 60_000 });
		aptUpdated = true;
	}
	const result = await run('apt-get', ['install', '-y', '--no-install-recommends', debianPackage], {
		env,
		timeoutMs: 15 * 60_000,
	});
	log(`  ${debianPackage} installed in ${seconds(result.durationMs)}`);
}

/** The newest PostgreSQL server's bin folder (`/usr/lib/postgresql/<major>/bin`), or null. */
export function postgresBinDir(root = '/usr/lib/postgresql'): string | null {
	if (!existsSync(root)) return null;
	const majors = readdirSync(root)
		.filter((entry) => /^\d+$/.test(entry) && existsSync(path.join(root, entry, 'bin', 'postgres')))
		.sort((a, b) => Number(b) - Number(a));
	return majors.length ? path.join(root, majors[0], 'bin') : null;
}
