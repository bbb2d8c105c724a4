/**
 * The ONE place that pins the n8n versions the dev mode, the end-to-end test and the compatibility
 * run (`tools/compat.ts`) use: change a version here, and the next run installs it into a new
 * cache folder.
 *
 * - n8n 2.41.1 (the default): the newest 2.41 that installs (2.41.3 depends on a package missing
 *   from the registry), with Node.js 24 from npm (`node-<platform>-<arch>`, the package the `node`
 *   package would pick): n8n 2.x needs Node >= 24, while the package itself builds and tests on Node 20.
 * - n8n 1.85.3: the oldest n8n the package loads in (the first on npm whose n8n-workflow, 1.83.0, has
 *   `NodeConnectionTypes`; 1.82.3 ships n8n-workflow 1.80.1), on Node.js 20.20.2; the compatibility
 *   run checks that it loads and runs the package (see `e2eTests`).
 * - n8n 1.123.81: the newest 1.x on npm (1.123 is the last 1.x minor; its engines field says
 *   `>=20.19 <= 24.x`), with Node.js 20.20.2 from npm, the Node 20 self-hosted 1.x users run, and the
 *   same version as this machine's: pinned rather than taken from PATH, so every machine tests the same.
 *   Its `xlsx` dependency is a URL outside npm; `overrides` points it at the same release on npm.
 *   On Node 20 it needs `N8N_EXPRESSION_ENGINE=legacy` (its default engine's isolated-vm 6 wants
 *   Node >= 22): profile.ts sets it.
 *
 * `VELENTS_N8N_VERSION=<a pinned version>` selects another pinned n8n (the compatibility run sets it).
 */
export interface N8nTarget {
	/** n8n's npm version. */
	n8n: string;
	/** The Node.js it runs on (the `node-<platform>-<arch>` package from npm, binary and headers). */
	node: string;
	/** n8n's major version: what the REST API and the environment differ by (see profile.ts). */
	major: 1 | 2;
	/**
	 * npm `overrides` for the install folder: dependencies of that n8n that npm cannot fetch here.
	 * n8n 1.x's n8n-nodes-base wants `xlsx` from `https://cdn.sheetjs.com/…` (not reachable, nor
	 * from many CI machines); the same SheetJS release is on npm as `@e965/xlsx`, which n8n 2.x
	 * itself depends on instead.
	 */
	overrides?: Readonly<Record<string, string>>;
	/**
	 * The end-to-end tests the compatibility run runs against it (a jest name pattern); all when unset.
	 * The oldest n8n the package loads in predates parts of the REST API the rest of the test drives;
	 * n8n 1.x lacks what one Dispatch and Wait test checks (`NOT_ON_1X`).
	 */
	e2eTests?: string;
}

/**
 * n8n 1.x has no atomic claim on a waiting execution: two copies of an end event at the same instant
 * both resume it (measured on 1.85.3 and 1.123.81: both answered 200, the rest of the workflow ran
 * twice). The README's Dispatch and Wait section says so; its end-to-end test runs on 2.x only.
 */
const NOT_ON_1X = 'two copies of the end event at the same instant';

export const N8N_TARGETS = {
	'2.41.1': { n8n: '2.41.1', node: '24.21.0', major: 2 },
	'1.123.81': {
		n8n: '1.123.81',
		node: '20.20.2',
		major: 1,
		overrides: { xlsx: 'npm:@e965/xlsx@0.20.2' },
		e2eTests: `^(?!.*${NOT_ON_1X})`,
	},
	'1.85.3': {
		n8n: '1.85.3',
		node: '20.20.2',
		major: 1,
		overrides: { xlsx: 'npm:@e965/xlsx@0.20.2' },
		// Loading, the credential test, re-runnable campaigns (n8n's deduplication helpers), the AI
		// Agent's tools and Dispatch and Wait (test/e2e/dispatchAndWait.e2e.ts). Its REST API has no
		// `POST /rest/workflows/:id/activate`, which the other example workflows' tests drive
		// (measured: examples 3 and 4 themselves run).
		e2eTests: `installed from its npm tarball|lists the four nodes|pass n8n.s credential test|re-runnable campaigns|tools of n8n.s AI Agent|^Dispatch and Wait in a real n8n (?!${NOT_ON_1X})`,
	},
} as const satisfies Record<string, N8nTarget>;

export type PinnedN8nVersion = keyof typeof N8N_TARGETS;

/** The default n8n (the README's test command, the dev mode). */
export const N8N_VERSION: PinnedN8nVersion = '2.41.1';
export const NODE_RUNTIME_VERSION: string = N8N_TARGETS[N8N_VERSION].node;
/** The newest n8n 1.x, for the compatibility run. */
export const N8N_1X_VERSION: PinnedN8nVersion = '1.123.81';

/** Selects the n8n to run (one of `N8N_TARGETS`); unset: `N8N_VERSION`. */
export const VERSION_ENV = 'VELENTS_N8N_VERSION';

/** The pinned n8n `VELENTS_N8N_VERSION` selects (default `N8N_VERSION`); throws on an unpinned one. */
export function selectedN8n(env: NodeJS.ProcessEnv = process.env): N8nTarget {
	const wanted = env[VERSION_ENV]?.trim() || N8N_VERSION;
	const target = (N8N_TARGETS as Record<string, N8nTarget>)[wanted];
	if (!target) {
		throw new Error(
			`${VERSION_ENV}=${wanted} is not pinned in tools/n8n/version.ts (pinned: ${Object.keys(N8N_TARGETS).join(', ')}).`,
		);
	}
	return target;
}

/** The npm package that holds the Node.js binary (and headers) for this machine. */
export function nodeRuntimePackage(
	platform: NodeJS.Platform = process.platform,
	arch: string = process.arch,
): string {
	const os = platform === 'win32' ? 'win' : platform;
	return `node-${os}-${arch}`;
}
