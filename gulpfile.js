const { src, dest, parallel } = require('gulp');
const { rm } = require('fs/promises');

/** A build starts from an empty dist/: a file left from a moved or deleted source would ship, and win resolution. */
function clean() {
	return rm('dist', { recursive: true, force: true });
}

/** Node and credential files name their icons as `file:../icons/…`: ship them beside `dist/nodes`. */
function copyIcons() {
	return src('icons/*.svg').pipe(dest('dist/icons'));
}

/** n8n reads each node's codex (categories, aliases, documentation links) beside its compiled file. */
function copyCodex() {
	return src('nodes/**/*.node.json').pipe(dest('dist/nodes'));
}

exports.clean = clean;
exports.build = parallel(copyIcons, copyCodex);
