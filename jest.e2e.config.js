/**
 * The end-to-end test: the package inside a real n8n (test/e2e). Separate from jest.config.js,
 * whose `*.test.ts` pattern does not match `*.e2e.ts`, so the unit and workflow tests never start n8n.
 * One worker, long timeouts: it installs n8n once into a cache, then starts it.
 */
/** @type {import('jest').Config} */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test/e2e'],
	testMatch: ['**/*.e2e.ts'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
	},
	maxWorkers: 1,
	testTimeout: 180_000,
	verbose: true,
};
