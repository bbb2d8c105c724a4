const { src, dest, parallel } = require('gulp');
const fs = require('fs');
const path = require('path');

/** Node and credential files name their icons as `file:../icons/…`: ship them beside `dist/nodes`. */
function copyIcons() {
	return src('icons/*.svg').pipe(dest('dist/icons'));
}

/** n8n reads each node's codex (categories, aliases, documentation links) beside its compiled file. */
function copyCodex() {
	return src('nodes/**/*.node.json').pipe(dest('dist/nodes'));
}

/**
 * The zod schemas of the API contract are development-only (zod is no runtime dependency): node code
 * imports only their types, yet tsc still emits the module. Drop it so nothing in `dist/` requires zod.
 */
async function dropDevelopmentOnlyModules() {
	const contract = path.join('dist', 'nodes', 'shared', 'contract');
	for (const file of ['schemas.js', 'schemas.js.map']) {
		await fs.promises.rm(path.join(contract, file), { force: true });
	}
}

exports.build = parallel(copyIcons, copyCodex, dropDevelopmentOnlyModules);
