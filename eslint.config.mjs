// Lint of the SOURCE, mirroring the source-checkout leg of n8n's verification scanner
// (@n8n/scan-community-package 0.32.0, scanner.mjs `buildScanConfig` + `SOURCE_FILE_PATTERNS`).
// The scanner lints only package.json and nodes/credentials sources, with inline config disabled,
// so anything outside those paths cannot fail verification and is not linted here either.
import tsParser from '@typescript-eslint/parser';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';

const { recommended } = n8nCommunityNodesPlugin.configs;
const { community, credentials, nodes } = n8nNodesBase.configs; // legacy (eslintrc) configs: only `.rules` is reused

const SOURCES = ['nodes/**/*.{js,ts,json}', 'credentials/**/*.{js,ts,json}'];
// npm always packs the `main` file, so the scanner's tarball leg lints the root index.js too.
const SHIPPED = ['package.json', 'index.js', ...SOURCES];

export default [
	{ ignores: ['dist/', 'node_modules/', 'test/', 'tools/', 'coverage/'] },

	// The scanner runs with `allowInlineConfig: false`: an eslint-disable comment hides nothing there.
	{ linterOptions: { noInlineConfig: true } },

	// typescript-estree parses `.json` as a JSON expression, which the package.json rules walk.
	// (.js stays on espree, as in the scanner.)
	{
		files: ['package.json', 'nodes/**/*.{ts,json}', 'credentials/**/*.{ts,json}'],
		languageOptions: { parser: tsParser },
	},

	{ ...recommended, files: SHIPPED },
	{ files: SHIPPED, rules: { 'no-console': 'error' } },

	{ plugins: { 'n8n-nodes-base': n8nNodesBase } },
	{ files: ['package.json'], rules: community.rules },
	{
		files: ['credentials/**/*.ts'],
		rules: {
			...credentials.rules,
			// Same overrides as the scanner (and `n8n-node lint`): superseded by community-nodes
			// credential-documentation-url / credential-password-field, which disagree with them.
			'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
			'n8n-nodes-base/cred-class-field-type-options-password-missing': 'off',
		},
	},
	{
		files: ['nodes/**/*.ts'],
		rules: {
			...nodes.rules,
			// Scanner overrides: these demand `'main'` literals, which node-connection-type-literal forbids;
			// and a third-party API may really cap a value, so maxValue is legitimate.
			'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
			'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
			'n8n-nodes-base/node-param-type-options-max-value-present': 'off',
		},
	},
];
