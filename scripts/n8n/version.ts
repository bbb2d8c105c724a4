/**
 * The ONE place that pins the n8n the dev mode and the end-to-end test run: change a version here,
 * and the next run installs it into a new cache folder.
 *
 * - n8n 2.41.1: the newest 2.41 that installs (2.41.3 depends on a package missing from the registry).
 * - Node.js 24 from npm (`node-<platform>-<arch>`, the package the `node` package would pick): n8n 2.x
 *   needs Node >= 24, while the package itself builds and tests on Node 20.
 */
export const N8N_VERSION = '2.41.1';
export const NODE_RUNTIME_VERSION = '24.21.0';

/** The npm package that holds the Node.js binary (and headers) for this machine. */
export function nodeRuntimePackage(platform: NodeJS.Platform = process.platform, arch: string = process.arch): string {
	const os = platform === 'win32' ? 'win' : platform;
	return `node-${os}-${arch}`;
}
