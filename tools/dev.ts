/**
 * `npm run dev`: the playground. Builds the package, starts the sandbox, installs (once, cached)
 * and starts a real n8n with the package installed from its npm tarball, creates both credentials
 * pointing at the sandbox, imports the example workflows (example 2 active), and prints the editor
 * URL and the login. Ctrl-C stops everything it started.
 *
 * The n8n instance is a scratch one: its user folder is wiped at every start.
 */
import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';

import { DEFAULT_CLI_PORT } from './sandbox/options';
import type { DeliveryRecord, RecordedRequest } from './sandbox/server';
import { EXAMPLES } from './n8n/examples';
import type { ExampleKey } from './n8n/examples';
import { cacheRoot } from './n8n/install';
import { PLAYGROUND_OWNER } from './n8n/playground';
import { seconds } from './n8n/process';
import { startStack } from './n8n/stack';
import type { Stack } from './n8n/stack';
import { N8N_VERSION } from './n8n/version';

const USAGE = `Usage: npm run dev -- [options]

  --port <n>          n8n's port (default 5690; the next free one if taken, also when another
                      program takes it while n8n starts)
  --sandbox-port <n>  the sandbox's port (default ${DEFAULT_CLI_PORT}; the next free one if taken)
  --event-delay <ms>  pause before each lifecycle event the sandbox plays (default 0)
  --verbose           print n8n's log here too (it is always written to a file)
  --help              this text

Environment: VELENTS_N8N_CACHE (default ~/.cache/n8n-nodes-velents) is where n8n is installed
once and where the scratch n8n user folder (dev-user/) lives.`;

const EXAMPLE_TITLES: Record<ExampleKey, string> = {
	dispatch: 'Dispatch an agent for each new order',
	followUp: 'Follow up on onEnded (active)',
	campaign: 'A campaign: rows → Batch',
	supportSync: 'Support Center sync',
	agentReply: 'New agent reply into your CRM (polling; activate it to try)',
	waitForOrder: 'Call one customer and wait (sub-workflow)',
	waitPerOrder: 'Call and wait per order (calls 7a)',
};

let stack: Stack | null = null;
let stopping = false;
let pidFile: string | null = null;

/** Stops whatever is running (a second Ctrl-C exits at once; n8n's supervisor still stops n8n). */
async function stopAll(exitCode: number): Promise<never> {
	if (!stopping) {
		stopping = true;
		if (stack) console.log('\nStopping n8n and the sandbox…');
		await stack?.stop();
		if (pidFile) await rm(pidFile, { force: true });
	}
	process.exit(exitCode);
}

function wholeNumber(raw: string | undefined, fallback: number, name: string): number {
	const value = raw === undefined ? fallback : Number(raw);
	if (!Number.isInteger(value) || value < 0)
		throw new Error(`${name} must be a whole number, got "${raw}".`);
	return value;
}

async function main(): Promise<void> {
	const { values } = parseArgs({
		args: process.argv.slice(2),
		strict: true,
		options: {
			port: { type: 'string' },
			'sandbox-port': { type: 'string' },
			'event-delay': { type: 'string' },
			verbose: { type: 'boolean' },
			help: { type: 'boolean' },
		},
	});
	if (values.help) {
		console.log(USAGE);
		return;
	}
	const port = wholeNumber(values.port, 5690, '--port');
	const sandboxPort = wholeNumber(values['sandbox-port'], DEFAULT_CLI_PORT, '--sandbox-port');
	const eventDelayMs = wholeNumber(values['event-delay'], 0, '--event-delay');

	const userFolder = path.join(cacheRoot(), 'dev-user');
	await refuseIfRunning(userFolder);
	for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
		process.on(signal, () => void stopAll(0));

	const began = Date.now();
	console.log(
		`n8n-nodes-velents dev mode: n8n ${N8N_VERSION} with this package, against the Velents sandbox\n`,
	);
	const started = await startStack({
		userFolder,
		port,
		sandboxPort,
		sandbox: { eventDelayMs },
		verbose: values.verbose === true,
		onStep: (label, durationMs) => console.log(`  ✓ ${label} (${seconds(durationMs)})`),
		log: (line) => console.log(`    ${line}`),
	});
	stack = started;
	pidFile = path.join(userFolder, 'dev.pid');
	await writeFile(pidFile, String(process.pid));
	const { n8n, sandbox, playground } = started;

	void n8n.exited.then(async ({ code, signal }) => {
		if (stopping) return;
		console.error(
			`\nn8n exited unexpectedly (${code ?? signal}). Last lines of ${n8n.logFile}:\n${await n8n.logTail(30)}`,
		);
		await stopAll(1);
	});
	sandbox.events.on('request', (request: RecordedRequest) => {
		console.log(`  [sandbox] ${request.method} ${request.path} → ${request.status ?? 'dropped'}`);
	});
	sandbox.events.on('delivery', (delivery: DeliveryRecord) => {
		const outcome = delivery.status ?? delivery.error;
		console.log(
			`  [sandbox]   event ${delivery.event_type} of conversation ${delivery.conversation_id} → ${delivery.url} → ${outcome}`,
		);
	});

	console.log(
		[
			'',
			`Ready in ${seconds(Date.now() - began)}.`,
			'',
			`  Editor     ${n8n.url}`,
			`  Log in     ${PLAYGROUND_OWNER.email} / ${PLAYGROUND_OWNER.password}`,
			`  Sandbox    ${sandbox.url}   (inspect: ${sandbox.url}/__sandbox/requests, /tickets, /deliveries)`,
			`  Ports      ${portNote('n8n', n8n.port, port)}, ${portNote('sandbox', sandbox.port, sandboxPort)}; to choose others: npm run dev -- --port <n> --sandbox-port <n>`,
			'',
			'  Credentials (both pointing at the sandbox): "Velents Agent account", "Velents Support account"',
			'  Example workflows (from examples/):',
			...(Object.keys(EXAMPLES) as ExampleKey[]).map(
				(key) =>
					`    ${EXAMPLES[key].split('-')[0].padStart(2)}. ${EXAMPLE_TITLES[key].padEnd(42)} ${n8n.url}/workflow/${playground.examples[key].workflow.id}`,
			),
			`  Example 2's Production URL (example 1 dispatches with it): ${playground.followUpUrl}`,
			'',
			'  Try it: open example 1 and click "Execute workflow". The sandbox plays the conversation to',
			"  example 2's trigger, which opens a ticket and confirms in it (see example 2's Executions tab).",
			'',
			`  n8n log: ${n8n.logFile}`,
			'  Ctrl-C stops n8n and the sandbox.',
			'',
		].join('\n'),
	);
}

/** "n8n 5691 (5690 was taken)": a port, and why it is not the one asked for. */
function portNote(what: string, port: number, asked: number): string {
	return port === asked ? `${what} ${port}` : `${what} ${port} (${asked} was taken)`;
}

/** Another dev mode using the same user folder would be broken by wiping it. */
async function refuseIfRunning(userFolder: string): Promise<void> {
	const file = path.join(userFolder, 'dev.pid');
	if (!existsSync(file)) return;
	const pid = Number(await readFile(file, 'utf8').catch(() => ''));
	if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return;
	try {
		process.kill(pid, 0);
	} catch {
		return; // stale
	}
	throw new Error(
		`Another dev mode (pid ${pid}) is running with ${userFolder}; stop it first (Ctrl-C in its terminal).`,
	);
}

main().catch(async (error: unknown) => {
	console.error(`\ndev mode failed: ${error instanceof Error ? error.message : String(error)}`);
	await stopAll(1);
});
