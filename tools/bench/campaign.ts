/**
 * Campaign: 10,000 input items through Velents Agent Batch in n8n's engine, against the sandbox,
 * side by side with (a) a bare Node HTTP client posting the same Batch payloads (the physical limit
 * here) and (b) the same items as one Dispatch call each. Each scenario runs in its own process.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

import { BATCH_LIMITS } from '../../nodes/shared/contract';
import { startSandbox } from '../sandbox/server';
import type { CampaignVariant } from './campaign-worker';
import { round } from '../figures/report';

const run = promisify(execFile);
const TSX = path.join(__dirname, '..', 'node_modules', '.bin', 'tsx');

export interface ScenarioFigures {
	rows: number;
	calls: number;
	ms: number;
	peakRssMb: number;
	/** Peak memory over the process's memory once loaded: what the run itself needed. */
	runRssMb: number;
}

export interface CampaignFigures {
	rows: number;
	rowsPerCall: number;
	expectedBatchCalls: number;
	batch: ScenarioFigures;
	batchSmall: ScenarioFigures;
	bareClient: ScenarioFigures;
	dispatchEach: ScenarioFigures;
	/** Node Batch time over the bare client's: the target is at most 1.5. */
	batchOverBare: number;
	/** One Dispatch per row over Batch. */
	dispatchOverBatch: number;
	/** 10,000 rows' time over 1,000 rows' time: near 10 is linear work, near 100 quadratic. */
	linearity: number;
}

export async function benchCampaign(rows = 10_000): Promise<CampaignFigures> {
	// No rate limit in the way: this measures the work, not the pacing (tools/bench/pacing.ts does that).
	const sandbox = await startSandbox({ rateLimit: { limit: 1_000_000 } });
	const scenario = async (
		variant: CampaignVariant,
		count: number,
		path: string,
	): Promise<ScenarioFigures> => {
		sandbox.reset();
		sandbox.configure({ rateLimit: { limit: 1_000_000 } });
		const { stdout } = await run(
			TSX,
			[__dirname + '/campaign-worker.ts', variant, sandbox.url, String(count)],
			{
				maxBuffer: 1 << 20,
				timeout: 15 * 60_000,
			},
		);
		const figures = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as {
			ms: number;
			peakRssMb: number;
			baselineRssMb: number;
			items: number;
		};
		if (figures.items !== count)
			throw new Error(`${variant}: ${count} rows gave ${figures.items} items`);
		return {
			rows: count,
			calls: sandbox.requests({ method: 'POST', path }).length,
			ms: round(figures.ms),
			peakRssMb: round(figures.peakRssMb),
			runRssMb: round(figures.peakRssMb - figures.baselineRssMb),
		};
	};
	try {
		const batchPath = '/Integration/Agent/Batch';
		const bareClient = await scenario('bare-batch', rows, batchPath);
		const batch = await scenario('node-batch', rows, batchPath);
		const batchSmall = await scenario('node-batch', rows / 10, batchPath);
		const dispatchEach = await scenario('node-dispatch', rows, '/Integration/Agent/Dispatch');
		return {
			rows,
			rowsPerCall: BATCH_LIMITS.defaultRowsPerCall,
			expectedBatchCalls: Math.ceil(rows / BATCH_LIMITS.defaultRowsPerCall),
			batch,
			batchSmall,
			bareClient,
			dispatchEach,
			batchOverBare: round(batch.ms / bareClient.ms),
			dispatchOverBatch: round(dispatchEach.ms / batch.ms),
			linearity: round(batch.ms / batchSmall.ms),
		};
	} finally {
		await sandbox.close();
	}
}
