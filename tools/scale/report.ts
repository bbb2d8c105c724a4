/**
 * The scale test's figures: printed per scenario, kept by name in tools/figures/scale-results.json, and
 * rendered as the "Scale-out" section of BENCHMARKS.md.
 */
import {
	figuresFile,
	repositoryPath,
	round,
	writeFigures,
	writeReportSection,
} from '../figures/report';
import { seconds } from '../n8n/process';
import type { ScenarioResult } from './scenario';
import { renderWaitScenario } from './dispatchAndWaitScenario';
import type { WaitScenarioResult } from './dispatchAndWaitScenario';

export interface ScaleResults {
	date: string;
	command: string;
	durationMs: number;
	n8n: string;
	timeScale: number;
	workerConcurrency: number;
	/** What the cluster ran with beyond cluster.ts's settings. */
	environment: Record<string, string | undefined>;
	scenarios: ScenarioResult[];
	/** The Dispatch and Wait scenario (dispatchAndWaitScenario.ts), when it ran. */
	dispatchAndWait?: WaitScenarioResult;
}

const SCALE_RESULTS_FILE = figuresFile('scale-results.json');
const SECTION = 'scale-test';

export function printScenario(result: ScenarioResult): void {
	const lines = [
		`Scenario ${result.name}: ${result.passed ? 'PASSED' : 'FAILED'}`,
		...result.checks.map(
			(check) => `  ${check.passed ? 'ok  ' : 'FAIL'} ${check.check}: ${check.detail}`,
		),
		`  figures: ${result.deliveries.perSecond} events/s through the webhook processor; ${result.timing.followUpsPerSecond} follow-ups/s ` +
			`(${seconds(result.timing.followUpSpanMs)} from the first event to the last follow-up${result.timing.rateLimitFloorMs === null ? '' : `; the Support limit alone needs ${seconds(result.timing.rateLimitFloorMs)}`}); Batch run ${seconds(result.timing.batchMs)}`,
	];
	if (result.faultReport) {
		lines.push(
			`  fault: worker-1 ${result.fault?.kind === 'kill' ? 'killed' : 'stopped'} at ${result.faultReport.at} (${result.faultReport.runningInCluster} executions running), ` +
				`down ${seconds(result.faultReport.workerDownMs)}, ready again in ${seconds(result.faultReport.restartMs)}; ${result.executions.retried} executions retried`,
		);
	}
	console.log(lines.join('\n'));
}

export async function writeScaleReport(results: ScaleResults): Promise<void> {
	await writeFigures(SCALE_RESULTS_FILE, results);
	await writeReportSection(SECTION, renderScaleSection(results));
}

export function renderScaleSection(results: ScaleResults): string {
	const byName = new Map(results.scenarios.map((scenario) => [scenario.name, scenario]));
	const ratio = (two: string, one: string, pick: (result: ScenarioResult) => number): string => {
		const a = byName.get(two);
		const b = byName.get(one);
		return a && b ? `${round(pick(a) / pick(b), 2)}×` : '—';
	};
	const rows = results.scenarios.map((result) => {
		const fault = result.fault
			? `${result.fault.kind === 'kill' ? 'SIGKILL' : 'SIGTERM'} worker-1 at ${Math.round(result.fault.atTicketsFraction * 100)}% of tickets`
			: '—';
		return `| ${result.name} | ${result.workers} | ${result.redeliverRatio ? `${result.redeliverRatio * 100}%` : '—'} | ${fault} | ${result.deliveries.total} (${result.deliveries.redelivered} again) | ${result.deliveries.failed} | ${result.deliveries.ignoredDuplicates} / ${result.deliveries.redeliveriesStarted} | ${result.deliveries.onEndedStarted} | ${result.executions.retried} | ${result.tickets.total} / ${result.tickets.exactlyOnce} | ${result.confirmations.exactlyOnce} | ${result.support.rateLimited} / ${result.support.failedOnRateLimit} | ${result.deliveries.perSecond} | ${result.timing.followUpsPerSecond} | ${result.passed ? 'passed' : '**failed**'} |`;
	});
	const conversations = results.scenarios[0]?.conversations ?? 0;
	return `## Scale-out: queue mode under campaign-sized event load

\`npm run scale-test\` (${results.date.slice(0, 16).replace('T', ' ')} UTC, \`${results.command}\`, ${seconds(results.durationMs)} in all): n8n ${results.n8n}
in queue mode on this one machine (main process, one webhook processor, workers with concurrency
${results.workerConcurrency}; PostgreSQL and Redis from Debian's packages). Each scenario: ${conversations} conversations dispatched by one Batch run
(example 3), each conversation's four lifecycle events posted by the sandbox to the webhook processor,
the follow-up (example 2: ticket with the extraction, then a confirmation in its conversation) run by
the workers through the paced Support node. Support limit 30 requests per minute, time-scaled by ${results.timeScale}
(30 a second); the *slow-api* scenarios have no limit but every Support request answered after
${results.scenarios.find((result) => result.supportLatencyMs > 0)?.supportLatencyMs ?? 0} ms, so that the follow-ups, not the event intake, hold the workers. Every figure is in
[${repositoryPath(SCALE_RESULTS_FILE)}](${repositoryPath(SCALE_RESULTS_FILE)}).

| Scenario | Workers | Redelivered | Fault | Events | Not 2xx | Duplicates ignored / run again | Follow-ups started | Retried | Tickets / exactly once | Confirmations exactly once | 429s / failed on 429 | Events/s | Follow-ups/s | Checks |
|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|
${rows.join('\n')}

Two workers against one, side by side in this run: follow-ups per second ${ratio('clean', 'clean-1-worker', (result) => result.timing.followUpsPerSecond)} at the Support limit,
${ratio('slow-api', 'slow-api-1-worker', (result) => result.timing.followUpsPerSecond)} against the slow API; events per second through the webhook processor ${ratio('clean', 'clean-1-worker', (result) => result.deliveries.perSecond)}.${results.dispatchAndWait ? `\n\n${renderWaitScenario(results.dispatchAndWait)}` : ''}`;
}
