/**
 * `npx tsx tools/docs-screenshot.ts`: the screenshots in the README, taken with headless Chromium
 * in the playground's n8n: example 2 in the editor and its execution after example 1 ran; the node
 * picker in the action context and the Velents Agent entry's actions; example 1's Dispatch panel
 * with the agent's variables; and what a builder sees with a rejected Agent token (the variables
 * mapper's notice, and the error of a run); example 7a's Dispatch and Wait panel; example 5's Support
 * Trigger panel; and a credential whose Base URL carries a query (the credential's notice).
 *
 * For documentation only, never run by CI. It needs Debian's `chromium` (installed with apt-get
 * when missing and run as root) and playwright-core, installed into a throwaway folder in the n8n
 * cache (outside the repository; not a dependency of the package).
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

import { cacheRoot, cleanNpmEnv } from './n8n/install';
import { MANUAL_TRIGGER_NAME, sandboxCredentialData } from './n8n/examples';
import { PLAYGROUND_OWNER } from './n8n/playground';
import { run, seconds } from './n8n/process';
import { startStack } from './n8n/stack';
import type { Stack } from './n8n/stack';

const PLAYWRIGHT_CORE_VERSION = '1.65.1';
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const DOCS = path.resolve(__dirname, '..', 'docs');
/** Example 2 in the editor. */
const EDITOR_SHOT = path.join(DOCS, 'example-follow-up.png');
/** Example 2's execution after example 1 ran: every node green, one item each. */
const EXECUTION_SHOT = path.join(DOCS, 'example-follow-up-execution.png');
/** The picker opened from example 1's last node ("What happens next?"), searching "Velents". */
const PICKER_SHOT = path.join(DOCS, 'picker-action-context.png');
/** The picker's Velents Agent entry opened: its actions and triggers. */
const PICKER_ENTRY_SHOT = path.join(DOCS, 'picker-velents-agent.png');
/** Example 1's Dispatch panel: one field per agent variable. */
const DISPATCH_SHOT = path.join(DOCS, 'dispatch-panel.png');
/** A Dispatch whose credential Velents rejects: the variables mapper's notice. */
const REJECTED_PANEL_SHOT = path.join(DOCS, 'rejected-token-panel.png');
/** The same Dispatch executed: the error of the run. */
const REJECTED_RUN_SHOT = path.join(DOCS, 'rejected-token-run.png');
/** Example 7a's Dispatch and Wait panel: Resume On and Limit Wait Time. */
const WAIT_PANEL_SHOT = path.join(DOCS, 'dispatch-and-wait-panel.png');
/** Example 5's Velents Support Trigger panel. */
const SUPPORT_TRIGGER_SHOT = path.join(DOCS, 'support-trigger-panel.png');
/** A Velents Agent credential whose Base URL carries a query: the notice under the field. */
const BASE_URL_NOTICE_SHOT = path.join(DOCS, 'credential-base-url-notice.png');
const VIEWPORT = { width: 1440, height: 900 };

/** The parts of playwright-core this script uses (it is loaded at run time, not a dependency). */
interface Page {
	goto(url: string, options?: { waitUntil?: 'load' | 'networkidle' }): Promise<unknown>;
	waitForSelector(
		selector: string,
		options?: { timeout?: number; state?: 'visible' | 'attached' },
	): Promise<unknown>;
	waitForTimeout(ms: number): Promise<void>;
	keyboard: { press(key: string): Promise<void>; type(text: string): Promise<void> };
	locator(selector: string, options?: { hasText?: string }): Locator;
	screenshot(options: { path: string }): Promise<Buffer>;
}
interface Locator {
	count(): Promise<number>;
	first(): Locator;
	last(): Locator;
	click(): Promise<void>;
	dblclick(): Promise<void>;
	innerText(): Promise<string>;
}
interface BrowserContext {
	newPage(): Promise<Page>;
	request: {
		post(url: string, options: { data: unknown }): Promise<{ ok(): boolean; status(): number }>;
	};
	close(): Promise<void>;
}
interface PlaywrightCore {
	chromium: {
		launchPersistentContext(
			userDataDir: string,
			options: {
				executablePath: string;
				headless: boolean;
				args: string[];
				viewport: typeof VIEWPORT;
			},
		): Promise<BrowserContext>;
	};
}

async function ensureChromium(): Promise<void> {
	if (existsSync(CHROMIUM)) return;
	if (process.getuid?.() !== 0)
		throw new Error(
			`${CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium).`,
		);
	console.log('Installing Debian’s chromium (apt-get)…');
	await run('apt-get', ['update'], { timeoutMs: 10 * 60_000 });
	await run('apt-get', ['install', '-y', 'chromium'], {
		timeoutMs: 20 * 60_000,
		env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
	});
}

async function loadPlaywright(): Promise<PlaywrightCore> {
	const tools = path.join(cacheRoot(), 'screenshot-tools');
	const installed = path.join(tools, 'node_modules', 'playwright-core', 'package.json');
	if (!existsSync(installed)) {
		await mkdir(tools, { recursive: true });
		await writeFile(
			path.join(tools, 'package.json'),
			JSON.stringify({ name: 'velents-screenshot-tools', private: true }),
		);
		console.log(`Installing playwright-core ${PLAYWRIGHT_CORE_VERSION} into ${tools}…`);
		await run(
			'npm',
			[
				'install',
				`playwright-core@${PLAYWRIGHT_CORE_VERSION}`,
				'--no-audit',
				'--no-fund',
				'--ignore-scripts',
			],
			{
				cwd: tools,
				env: cleanNpmEnv(),
				timeoutMs: 5 * 60_000,
			},
		);
	}
	return createRequire(installed)('playwright-core') as PlaywrightCore;
}

async function main(): Promise<void> {
	await ensureChromium();
	const playwright = await loadPlaywright();
	let stack: Stack | null = null;
	let context: BrowserContext | null = null;
	const profile = await mkdtemp(path.join(os.tmpdir(), 'velents-chromium-'));
	try {
		stack = await startStack({
			userFolder: path.join(cacheRoot(), 'screenshot-user'),
			port: 5690,
			sandboxPort: 8797,
			onStep: (label, ms) => console.log(`  ✓ ${label} (${seconds(ms)})`),
		});
		const { n8n, playground } = stack;

		context = await playwright.chromium.launchPersistentContext(profile, {
			executablePath: CHROMIUM,
			headless: true,
			viewport: VIEWPORT,
			args: [
				'--no-sandbox',
				'--disable-gpu',
				'--disable-quic',
				'--no-first-run',
				'--disable-background-networking',
				'--disable-component-update',
				'--disable-sync',
			],
		});
		// Logging in through the REST API from the browser context gives the page its session cookie.
		const login = await context.request.post(`${n8n.url}/rest/login`, {
			data: { emailOrLdapLoginId: PLAYGROUND_OWNER.email, password: PLAYGROUND_OWNER.password },
		});
		if (!login.ok()) throw new Error(`Login failed: HTTP ${login.status()}`);

		const followUpId = playground.examples.followUp.workflow.id;
		const page = await context.newPage();
		await shoot(page, `${n8n.url}/workflow/${followUpId}`, EDITOR_SHOT);

		const dispatchUrl = `${n8n.url}/workflow/${playground.examples.dispatch.workflow.id}`;
		await openCanvas(page, dispatchUrl);
		await page.locator('[data-test-id="canvas-handle-plus"]').last().click();
		await page.waitForTimeout(1500);
		await page.keyboard.type('Velents');
		await capture(page, PICKER_SHOT, 2000);
		await page
			.locator('[data-test-id="node-creator"] [data-test-id="item-iterator-item"]', {
				hasText: 'Velents Agent',
			})
			.first()
			.click();
		await capture(page, PICKER_ENTRY_SHOT, 2000);

		await openNode(page, dispatchUrl, DISPATCH_NODE);
		await capture(page, DISPATCH_SHOT, 3000);

		// The same Dispatch with a token Velents rejects, as a builder who picked the wrong credential.
		const rejectedUrl = `${n8n.url}/workflow/${(await withRejectedToken(stack)).id}`;
		await openNode(page, rejectedUrl, DISPATCH_NODE);
		const mapper = await page.locator('[data-test-id="resource-mapper-container"]').innerText();
		if (!mapper.includes("Could not read the agent's variables"))
			throw new Error(`The variables mapper does not show the package's notice:\n${mapper}`);
		await capture(page, REJECTED_PANEL_SHOT, 1000);
		await page.locator('[data-test-id="node-execute-button"]').first().click();
		await capture(page, REJECTED_RUN_SHOT, 8000);

		await openNode(
			page,
			`${n8n.url}/workflow/${playground.examples.waitForOrder.workflow.id}`,
			'Call and wait for the outcome',
		);
		await expectPanelText(page, ['Resume On', 'Limit Wait Time']);
		await capture(page, WAIT_PANEL_SHOT, 1000);

		await openNode(
			page,
			`${n8n.url}/workflow/${playground.examples.agentReply.workflow.id}`,
			'New agent reply',
		);
		await capture(page, SUPPORT_TRIGGER_SHOT, 1000);

		const badBaseUrl = await stack.api.createCredential({
			name: 'Velents Agent (Base URL with a query)',
			type: 'velentsAgentApi',
			data: {
				...sandboxCredentialData({ sandboxUrl: stack.sandbox.url }).velentsAgentApi,
				baseUrl: `${stack.sandbox.url}?tenant=1`,
			},
		});
		await page.goto(`${n8n.url}/home/credentials/${badBaseUrl.id}`, { waitUntil: 'load' });
		await page.waitForTimeout(4000);
		await capture(page, BASE_URL_NOTICE_SHOT, 3000);
		await expectPanelText(page, ['The Base URL must be the API’s address only']);

		// Example 1 dispatches; the sandbox plays the conversation; example 2 runs once.
		await stack.api.runManually(playground.examples.dispatch.workflow.id, MANUAL_TRIGGER_NAME);
		const [execution] = await stack.api.waitForExecutions(followUpId, 1, 60_000);
		if (execution.status !== 'success')
			throw new Error(`Example 2's execution ${execution.id} ended ${execution.status}.`);
		await shoot(
			page,
			`${n8n.url}/workflow/${followUpId}/executions/${execution.id}`,
			EXECUTION_SHOT,
		);
	} finally {
		await context?.close().catch(() => undefined);
		await stack?.stop();
		await rm(profile, { recursive: true, force: true });
	}
}

/** The Dispatch node of example 1. */
const DISPATCH_NODE = 'Dispatch the agent';

/**
 * A copy of example 1 whose Dispatch uses a credential with a revoked token, and whose variables
 * list was never loaded (a node just added): what the mapper shows when it cannot read the agent.
 */
async function withRejectedToken(stack: Stack): Promise<{ id: string }> {
	const credential = await stack.api.createCredential({
		name: 'Velents Agent (revoked token)',
		type: 'velentsAgentApi',
		data: {
			...sandboxCredentialData({ sandboxUrl: stack.sandbox.url }).velentsAgentApi,
			token: 'a-revoked-token',
		},
	});
	const { prepared } = stack.playground.examples.dispatch;
	return await stack.api.createWorkflow({
		...prepared,
		name: 'Dispatch with a revoked token',
		nodes: prepared.nodes.map((node) =>
			node.name === DISPATCH_NODE
				? {
						...node,
						credentials: { velentsAgentApi: { id: credential.id, name: credential.name } },
						parameters: {
							...node.parameters,
							variables: { ...(node.parameters.variables as object), schema: [] },
						},
					}
				: node,
		),
	});
}

/** Opens a canvas page and waits until its nodes are drawn. */
async function openCanvas(page: Page, url: string): Promise<void> {
	await page.goto(url, { waitUntil: 'load' });
	await page.waitForSelector('[data-test-id="canvas-node"]', { timeout: 60_000 });
	await page.waitForTimeout(2000);
}

/** Opens a node's panel (a double click on it), and waits for its lists to load. */
async function openNode(page: Page, url: string, nodeName: string): Promise<void> {
	await openCanvas(page, url);
	await page.locator('[data-test-id="canvas-node"]', { hasText: nodeName }).first().dblclick();
	await page.waitForTimeout(4000);
}

/** Fails the run when the page does not show what a builder must read there. */
async function expectPanelText(page: Page, texts: string[]): Promise<void> {
	const shown = await page.locator('body').innerText();
	const missing = texts.filter((text) => !shown.includes(text));
	if (missing.length) throw new Error(`The editor does not show: ${missing.join('; ')}`);
}

async function capture(page: Page, file: string, settleMs: number): Promise<void> {
	await page.waitForTimeout(settleMs);
	await mkdir(path.dirname(file), { recursive: true });
	await page.screenshot({ path: file });
	console.log(`Screenshot: ${file}`);
}

/** Opens a canvas page, closes what greets a first visit, fits the view, and takes the picture. */
async function shoot(page: Page, url: string, file: string): Promise<void> {
	await openCanvas(page, url);
	await page.waitForTimeout(1000);
	const checklist = page.locator('[data-test-id="suggested-actions-close"]'); // "Production Checklist"
	if ((await checklist.count()) > 0)
		await checklist
			.first()
			.click()
			.catch(() => undefined);
	await page.waitForTimeout(500);
	await page.keyboard.press('1'); // n8n's "zoom to fit"
	await capture(page, file, 1500);
}

main().catch((error: unknown) => {
	console.error(error instanceof Error ? error.message : String(error));
	process.exit(1);
});
