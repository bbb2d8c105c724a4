/**
 * Where measured figures live: every tool that measures writes its figures, by name, into a JSON file
 * of this folder and renders its own section of BENCHMARKS.md between two markers, leaving the other
 * tools' sections as they are. So the benchmarks and the scale test share this module, not each other.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const REPORT_FILE = path.join(ROOT, 'BENCHMARKS.md');

/** A figures file of this folder, e.g. `bench-results.json`. */
export function figuresFile(name: string): string {
	return path.join(__dirname, name);
}

/** The file's path as the docs and logs show it, relative to the repository. */
export function repositoryPath(file: string): string {
	return path.relative(ROOT, file);
}

export async function readFigures<T>(file: string): Promise<T | null> {
	if (!existsSync(file)) return null;
	return JSON.parse(await readFile(file, 'utf8')) as T;
}

export async function writeFigures(file: string, figures: unknown): Promise<void> {
	await writeFile(file, `${JSON.stringify(figures, null, 2)}\n`);
}

/** The report with the section of this name replaced (or appended when it has none yet). */
export function withSection(report: string, name: string, section: string): string {
	const start = `<!-- ${name}:start -->`;
	const end = `<!-- ${name}:end -->`;
	const startAt = report.indexOf(start);
	const endAt = report.indexOf(end);
	const block = `${start}\n${section.trim()}\n${end}`;
	if (startAt >= 0 && endAt > startAt)
		return `${report.slice(0, startAt)}${block}${report.slice(endAt + end.length)}`;
	return `${report.trimEnd()}\n\n${block}\n`;
}

/** Rewrites one section of BENCHMARKS.md; the other sections stay as they are. */
export async function writeReportSection(name: string, section: string): Promise<void> {
	const current = existsSync(REPORT_FILE) ? await readFile(REPORT_FILE, 'utf8') : '';
	await writeFile(REPORT_FILE, withSection(current, name, section).trimStart());
}

/** Figures are reported rounded: to hundredths unless a finer ratio needs more digits. */
export function round(value: number, digits = 2): number {
	const scale = 10 ** digits;
	return Math.round(value * scale) / scale;
}
