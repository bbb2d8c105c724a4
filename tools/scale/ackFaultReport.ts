/**
 * The ack-fault scenario's figures: printed, kept by build (this checkout, or the git revision the
 * run was given) in tools/figures/ack-fault-results.json, and rendered as the "Acknowledgement under
 * faults" section of BENCHMARKS.md, so that a run against an older trigger stands next to today's.
 */
import {
	figuresFile,
	readFigures,
	repositoryPath,
	writeFigures,
	writeReportSection,
} from '../figures/report';
import { seconds } from '../n8n/process';
import type { AckFaultResult } from './ackFaultScenario';
import type { ScaleResults } from './report';

type RunInfo = Pick<ScaleResults, 'date' | 'command' | 'durationMs' | 'n8n' | 'environment'>;

interface AckFaultRun extends RunInfo {
	result: AckFaultResult;
}

/** By build: `checkout`, or the revision the package was built at. */
type AckFaultFigures = Record<string, AckFaultRun>;

const FIGURES_FILE = figuresFile('ack-fault-results.json');
const SECTION = 'ack-fault';
const CHECKOUT = 'checkout';

export function printAckFault(result: AckFaultResult): void {
	const lines = [
		`Scenario ${result.name}${result.packageRevision ? ` (package at ${result.packageRevision})` : ''}: ${result.passed ? 'PASSED' : 'FAILED'}`,
		...result.checks.map(
			(check) => `  ${check.passed ? 'ok  ' : 'FAIL'} ${check.check}: ${check.detail}`,
		),
		...result.outages.map(
			(outage) =>
				`  ${outage.target} down ${seconds(outage.downMs)}, intake back after ${seconds(outage.intakeDownMs)}${outage.webhookRestarted ? ' (webhook processor restarted)' : ''}: ` +
				`${outage.all.notTaken} events not answered 2xx (${outage.onEnded.notTaken} onEnded); answers by status ${JSON.stringify(outage.statuses)}`,
		),
		`  answer latency outside the outages: taken (n8n answers once it holds the execution) p50 ${result.latency.taken.p50Ms} ms, p99 ${result.latency.taken.p99Ms} ms (${result.latency.taken.count}); ` +
			`ignored (the trigger answers at once) p50 ${result.latency.ignored.p50Ms} ms, p99 ${result.latency.ignored.p99Ms} ms (${result.latency.ignored.count})`,
		`  n8n's follow-up executions: ${JSON.stringify(result.executions)}`,
	];
	console.log(lines.join('\n'));
}

export async function writeAckFaultReport(result: AckFaultResult, run: RunInfo): Promise<void> {
	const figures = (await readFigures<AckFaultFigures>(FIGURES_FILE)) ?? {};
	const { date, command, durationMs, n8n, environment } = run;
	figures[result.packageRevision ?? CHECKOUT] = {
		date,
		command,
		durationMs,
		n8n,
		environment,
		result,
	};
	await writeFigures(FIGURES_FILE, figures);
	await writeReportSection(SECTION, renderAckFaultSection(figures));
}

export function renderAckFaultSection(figures: AckFaultFigures): string {
	const runs = Object.entries(figures).sort(([a], [b]) =>
		a === CHECKOUT ? -1 : b === CHECKOUT ? 1 : a.localeCompare(b),
	);
	const rows = runs.map(([build, { date, result }]) => {
		const outage = (target: string): string => {
			const found = result.outages.find((entry) => entry.target === target);
			return found
				? `${found.all.notTaken} (${found.onEnded.notTaken} onEnded; ${Object.entries(
						found.statuses,
					)
						.map(([status, count]) => `${count}× ${status === 'none' ? 'no answer' : status}`)
						.join(', ')})${found.webhookRestarted ? ', processor restarted' : ''}`
				: '—';
		};
		return `| ${build === CHECKOUT ? 'this checkout' : `at \`${build.slice(0, 7)}\``} | ${date.slice(0, 16).replace('T', ' ')} | ${result.deliveries.total} | ${outage('redis')} | ${outage('postgres')} | ${result.redelivered.total} (${result.redelivered.taken} taken) | ${result.followUps.taken} / ${result.followUps.ran} / ${result.followUps.failedInN8n} / **${result.followUps.lost}** / ${result.followUps.twice} | ${result.latency.taken.p50Ms} / ${result.latency.taken.p99Ms} | ${result.latency.ignored.p50Ms} / ${result.latency.ignored.p99Ms} | ${
			result.passed
				? 'passed'
				: `**failed**: ${result.checks
						.filter((check) => !check.passed)
						.map((check) => check.check)
						.join('; ')}`
		} |`;
	});
	const latest = runs[0]?.[1];
	return `## Acknowledgement under faults: queue mode, Redis and PostgreSQL stopped

\`npm run scale-test -- --only ack-fault\` (n8n ${latest?.n8n ?? '?'} in queue mode, two workers when run alone; the follow-up workflow of
example 2 behind the Velents Agent Trigger). The sandbox posts a campaign's lifecycle events through the webhook
processor while Redis is stopped for 5 s (the webhook processor runs with \`QUEUE_BULL_REDIS_TIMEOUT_THRESHOLD=2000\`,
so n8n exits it while main and the workers wait the outage out; it is started again) and then PostgreSQL for
4 s. Afterwards every delivery not answered 2xx is posted again, byte for byte (Velents' redelivery is assumed).
"Taken" is a 2xx answer that is not \`ignored\`; a follow-up ran when its conversation has its ticket in the
sandbox; "failed in n8n" is one whose execution a worker started and n8n then failed or left running (visible
there, retried like any failed execution), "never run" one that n8n has no execution of, or only one never
handed to a worker. Latencies are the answers outside the outages as the sandbox timed them. A row with a revision is
the same scenario against the package as it was then (\`--package-revision\`). Every figure is in
[${repositoryPath(FIGURES_FILE)}](${repositoryPath(FIGURES_FILE)}).

| Package | Run (UTC) | Events | Not 2xx in the Redis outage | Not 2xx in the PostgreSQL outage | Posted again | onEnded taken / ran / failed in n8n / **never run** / twice | Taken answer p50 / p99 ms | Ignored answer p50 / p99 ms | Checks |
|---|---|---|---|---|---|---|---|---|---|
${rows.join('\n')}`;
}
