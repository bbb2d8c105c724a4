// Lint of the COMPILED package, mirroring the tarball leg of n8n's verification scanner
// (@n8n/scan-community-package 0.32.0): it lints `**/*.js` + package.json of the published
// tarball with the same config as the source, inline config disabled. Run on `dist`.
// Its n8n-nodes-base node/credential rule sets only match `.ts` and so never fire on `.js`;
// they are left out here. Most community-nodes class rules also gate on `.node.ts` /
// `.credentials.ts`: what bites on compiled JS are the globals/imports/dangerous-function/
// secret rules and no-console, i.e. what a build step could inject.
import tsParser from '@typescript-eslint/parser';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';

// `.d.ts`, `.json` and `.map` files in dist are not scanned: no pattern below matches them.
const SHIPPED = ['**/*.js', 'package.json'];

export default [
	{ ignores: ['node_modules/'] },
	{ linterOptions: { noInlineConfig: true } },

	{ ...n8nCommunityNodesPlugin.configs.recommended, files: SHIPPED },
	{ files: SHIPPED, rules: { 'no-console': 'error' } },

	// Only reached when package.json is passed explicitly (`eslint -c eslint.dist.config.mjs dist package.json`).
	{
		files: ['package.json'],
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		languageOptions: { parser: tsParser },
		rules: n8nNodesBase.configs.community.rules,
	},
];
