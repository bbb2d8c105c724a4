/** `npm run sandbox -- --port 8787 ...`: the sandbox for the dev mode, until SIGINT or SIGTERM. */
import { banner, CLI_USAGE, parseCliArgs } from './cliOptions';
import type { CliOptions } from './cliOptions';
import { startSandbox } from './server';
import type { DeliveryRecord, RecordedRequest } from './server';

async function main(): Promise<void> {
	let cli: CliOptions;
	try {
		cli = parseCliArgs(process.argv.slice(2));
	} catch (error) {
		console.error(error instanceof Error ? error.message : String(error));
		console.error(CLI_USAGE);
		process.exitCode = 2;
		return;
	}
	if (cli.help) {
		console.log(CLI_USAGE);
		return;
	}

	const sandbox = await startSandbox(cli.init);
	console.log(banner(sandbox.url, sandbox.config));

	// One line per API request; deliveries only when asked (a 10,000-row batch posts 70,000 events).
	sandbox.events.on('request', (request: RecordedRequest) => {
		const fault = request.fault ? ' [fault]' : '';
		console.log(
			`${request.method} ${request.path} → ${request.status ?? 'dropped'} (${request.duration_ms ?? 0} ms)${fault}`,
		);
	});
	if (cli.verbose) {
		sandbox.events.on('delivery', (delivery: DeliveryRecord) => {
			const outcome = delivery.status ?? delivery.error;
			console.log(
				`  event ${delivery.event_type} #${delivery.conversation_id}${delivery.duplicate ? ' (again)' : ''} → ${delivery.url} → ${outcome}`,
			);
		});
	}

	const stop = (signal: NodeJS.Signals): void => {
		console.log(`\n${signal}: closing the sandbox`);
		void sandbox.close().then(() => process.exit(0));
	};
	process.once('SIGINT', stop);
	process.once('SIGTERM', stop);
}

void main().catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});
