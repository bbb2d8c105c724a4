const { src, dest, parallel } = require('gulp');

/** Node and credential files name their icons as `file:../icons/…`: ship them beside `dist/nodes`. */
function copyIcons() {
	return src('icons/*.svg').pipe(dest('dist/icons'));
}

/** n8n reads each node's codex (categories, aliases, documentation links) beside its compiled file. */
function copyCodex() {
	return src('nodes/**/*.node.json').pipe(dest('dist/nodes'));
}

exports.build = parallel(copyIcons, copyCodex);
