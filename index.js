// n8n loads the package through the `n8n` section of package.json; this entry point only makes
// `require('n8n-nodes-velents')` resolve for tooling.
module.exports = {};
