/**
 * Acknowledgement: what answering an accepted event only once n8n holds its execution costs, as
 * Velents sees it. Two n8n processes (regular mode, SQLite on tmpfs) run at once, one with this
 * checkout's package, one with the package as it was at PREVIOUS_REVISION, the last whose trigger
 * wrote its own 200 before n8n created the execution. Each has the same trigger workflow (Any Event,
 * secret checked → No Operation); the same events go to both, burst by burst, the first side
 * rotating (trigger.ts's load generator): once one at a time, once 8 in flight.
 *
 * Queue mode is measured by the scale test's ack-fault scenario (`npm run scale-test -- --only
 * ack-fault`), where an answer also waits for Redis.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { round } from '../figures/report';
import { packRevision } from '../n8n/community-package';
import type { BenchN8n } from './environment';
import { startBenchN8n } from './environment';
import type { TriggerOptions, TriggerSide } from './trigger';
import { DEFAULT_TRIGGER_OPTIONS, EventFactory, measure, openWorkflows } from './trigger';

/** The parent of the change "an accepted event is answered by n8n once it holds the execution". */
export const PREVIOUS_REVISION = '0cb4127541da349897daa4b1567ff4a04e59284b';

export interface AcknowledgementLoad {
	/** Requests in flight at once. */
	concurrency: number;
	/** This checkout: n8n answers an accepted event once it has saved the execution. */
	current: TriggerSide;
	/** PREVIOUS_REVISION: the trigger answered at once. */
	previous: TriggerSide;
	/** current over previous. */
	p50Ratio: number;
	p99Ratio: number;
	/** current minus previous. */
	p50AddedMs: number;
	p99AddedMs: number;
}

export interface AcknowledgementFigures {
	previousRevision: string;
	options: TriggerOptions;
	loads: AcknowledgementLoad[];
}

const LOADS: Array<Pick<TriggerOptions, 'concurrency' | 'inProgress'>> = [
	{ concurrency: 1, inProgress: 4 },
	{ concurrency: 8, inProgress: 16 },
];

export async function benchAcknowledgement(
	current: BenchN8n,
	log: (line: string) => void,
	options: Partial<TriggerOptions> = {},
): Promise<AcknowledgementFigures> {
	const settings = { ...DEFAULT_TRIGGER_OPTIONS, ...options };
	const scratch = await mkdtemp(path.join(os.tmpdir(), 'velents-bench-previous-'));
	try {
		log(`building the package at ${PREVIOUS_REVISION.slice(0, 7)}…`);
		const packed = await packRevision(PREVIOUS_REVISION, scratch);
		const previous = await startBenchN8n(log, {}, packed);
		const opened: Array<Awaited<ReturnType<typeof openWorkflows>>> = [];
		try {
			const events = new EventFactory();
			opened.push(await openWorkflows(current, events), await openWorkflows(previous, events));
			const [now, before] = opened.map((side) => side.workflows.velents);
			const loads: AcknowledgementLoad[] = [];
			for (const load of LOADS) {
				const sides = await measure(
					{ ...settings, ...load },
					{
						sides: {
							current: { ...now, node: 'Velents Agent Trigger, this checkout' },
							previous: {
								...before,
								node: `Velents Agent Trigger at ${PREVIOUS_REVISION.slice(0, 7)}`,
							},
						},
						bodies: (how) => events.next(how, 'onMessage'),
					},
				);
				loads.push({
					concurrency: load.concurrency,
					...sides,
					p50Ratio: round(sides.current.p50Ms / sides.previous.p50Ms),
					p99Ratio: round(sides.current.p99Ms / sides.previous.p99Ms),
					p50AddedMs: round(sides.current.p50Ms - sides.previous.p50Ms),
					p99AddedMs: round(sides.current.p99Ms - sides.previous.p99Ms),
				});
			}
			return { previousRevision: PREVIOUS_REVISION, options: settings, loads };
		} finally {
			for (const side of opened) side.watcher.stop();
			await previous.stop();
		}
	} finally {
		await rm(scratch, { recursive: true, force: true });
	}
}
