/**
 * Names of fields as the panel shows them, for the errors, notices and descriptions that point at
 * them: kept once, so that a message names a field exactly as the builder sees it. A field inside a
 * collection is named by its path, as in "Request Settings > Timeout (Seconds)".
 */

/** The Request Settings collection every action node has (`./descriptions`). */
export const REQUEST_SETTINGS = {
	collection: 'Request Settings',
	maxWait: 'Max Rate-Limit Wait (Seconds)',
	timeout: 'Timeout (Seconds)',
} as const;

/** "Webhook > Link": a field inside a collection, named the way the panel nests it. */
export function fieldPath(...names: string[]): string {
	return names.join(' > ');
}

/**
 * How a builder lets the other items go on when one fails: n8n's node setting "On Error" (its
 * "Continue" option is what the code calls Continue On Fail).
 */
export const LET_OTHER_ITEMS_GO_ON = 'set the node’s Settings > On Error to "Continue"';
