import type { INodeProperties } from 'n8n-workflow';

/**
 * What an AI agent's model reads about a Velents tool: one text per operation, saying what it
 * does, whom it affects and what it returns (the ids the model needs next).
 *
 * n8n describes a tool by its node's `toolDescription` parameter, unless `descriptionType` is
 * 'auto'. When a node declares no `toolDescription`, n8n adds one defaulting to the node's general
 * description, plus a `descriptionType` defaulting to 'auto': n8n 1.94 and later then describe the
 * tool as "<action> in <node>" ("Create a ticket in Velents Support"), n8n 1.85 as the node's
 * description plus "Resource: …" and "Operation: …". Declaring `toolDescription` per operation, n8n
 * adds neither, and every version reads this text:
 * - n8n that knows the `@tool` display option (which is true on a node's tool variant and false on
 *   the node): an editable Description, shown on the tool only, prefilled per operation (the
 *   editor puts the new operation's text in when the operation changes).
 * - n8n that does not know it (such as 1.85, which reads `@tool` as undefined): the same text as a
 *   hidden parameter, with `descriptionType` 'manual', which that n8n needs to read it.
 */
const TOOL_ONLY = { '@tool': [true] };
const WITHOUT_TOOL_OPTION = { '@tool': [true, false] };

/** The node's `descriptionType`, for n8n without `@tool` (see above). */
export const toolDescriptionType: INodeProperties = {
	displayName: 'Tool Description',
	name: 'descriptionType',
	type: 'hidden',
	default: 'manual',
	displayOptions: { hide: WITHOUT_TOOL_OPTION },
};

/** One resource's `toolDescription` parameters, from its operations' texts. */
export function toolDescriptions(
	resource: string,
	texts: Readonly<Record<string, string>>,
): INodeProperties[] {
	return Object.entries(texts).flatMap(([operation, text]): INodeProperties[] => {
		const show = { resource: [resource], operation: [operation] };
		return [
			{
				displayName: 'Description',
				name: 'toolDescription',
				type: 'string',
				default: text,
				required: true,
				typeOptions: { rows: 4 },
				description:
					'What the AI agent’s model reads about this tool to decide when to use it: what it does, whom it affects and what it returns',
				displayOptions: { show: { ...show, ...TOOL_ONLY } },
			},
			{
				displayName: 'Description',
				name: 'toolDescription',
				type: 'hidden',
				default: text,
				displayOptions: { show, hide: WITHOUT_TOOL_OPTION },
			},
		];
	});
}
