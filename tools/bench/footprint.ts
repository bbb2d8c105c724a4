/**
 * Footprint: what users download (the packed tarball) and what n8n pays to load each node and
 * credential module cold, measured in a fresh Node process after `n8n-workflow` (which n8n has
 * loaded anyway) and reported beside the time `n8n-workflow` itself takes to load.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { round } from '../figures/report';

const run = promisify(execFile);
const ROOT = path.join(__dirname, '..');
const SAMPLES = 7;

export interface FootprintFigures {
	tarballKb: number;
	unpackedKb: number;
	files: number;
	/** Median cold load time of `n8n-workflow`, in ms: the baseline. */
	n8nWorkflowLoadMs: number;
	/** Median cold load time of each module listed in package.json's `n8n` section, in ms. */
	moduleLoadMs: Record<string, number>;
}

export async function benchFootprint(): Promise<FootprintFigures> {
	const folder = await mkdtemp(path.join(tmpdir(), 'velents-pack-'));
	try {
		const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', folder], {
			cwd: ROOT,
		});
		const [packed] = JSON.parse(stdout) as Array<{
			size: number;
			unpackedSize: number;
			entryCount: number;
		}>;
		const manifest = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as {
			n8n: { nodes: string[]; credentials: string[] };
		};
		const moduleLoadMs: Record<string, number> = {};
		for (const file of [...manifest.n8n.nodes, ...manifest.n8n.credentials]) {
			moduleLoadMs[path.basename(file, '.js')] = await medianLoadMs(path.join(ROOT, file));
		}
		return {
			tarballKb: round(packed.size / 1024),
			unpackedKb: round(packed.unpackedSize / 1024),
			files: packed.entryCount,
			n8nWorkflowLoadMs: await medianLoadMs(),
			moduleLoadMs,
		};
	} finally {
		await rm(folder, { recursive: true, force: true });
	}
}

/** Median over fresh processes of the time to require `file` after n8n-workflow (or n8n-workflow itself). */
async function medianLoadMs(file?: string): Promise<number> {
	const script = file
		? `require('n8n-workflow'); const t = process.hrtime.bigint(); require(${JSON.stringify(file)}); console.log(Number(process.hrtime.bigint() - t) / 1e6)`
		: `const t = process.hrtime.bigint(); require('n8n-workflow'); console.log(Number(process.hrtime.bigint() - t) / 1e6)`;
	const times: number[] = [];
	for (let sample = 0; sample < SAMPLES; sample++) {
		const { stdout } = await run(process.execPath, ['-e', script], { cwd: ROOT });
		times.push(Number(stdout.trim()));
	}
	times.sort((a, b) => a - b);
	return round(times[Math.floor(times.length / 2)]);
}
