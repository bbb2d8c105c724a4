/**
 * What Dispatch and Batch share: the channel, the customer's phone, the agent's variables (see
 * `./variables`) and the webhook, as parameters and as the request fields built from them.
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { WebhookOptions } from '../../shared/contract/types';
import { fieldPath } from '../../shared/panelNames';
import { forwardedSecretHeaders } from '../../shared/webhookSecret';
import { invalidField, parseJsonObject } from '../../shared/validation';
import { CREDENTIAL_TYPES } from '../../shared/contract';
import { variablesProperties } from './variables';

export type ConversationOperation = 'dispatch' | 'batch';

/** The panel's names of the fields that errors and notices point at. */
export const FIELD_NAMES = {
	// n8n's rule for a list loaded from the server: "<Thing> Name or ID".
	channel: 'Channel Name or ID',
	webhook: 'Webhook',
	webhookLink: 'Link',
	webhookBody: 'Body Fields (JSON)',
} as const;

/** The parameters both operations show: channel, phone, variables. */
export function conversationProperties(operation: ConversationOperation): INodeProperties[] {
	const show = { operation: [operation] };
	const batch = operation === 'batch';
	return [
		{
			displayName: FIELD_NAMES.channel,
			name: 'channelId',
			type: 'options',
			typeOptions: { loadOptionsMethod: 'getChannels' },
			required: true,
			default: '',
			description:
				'How the agent reaches the customer: WhatsApp or Voice. The list comes from the agent configuration; when it cannot be read or lists none, WhatsApp (2) and Voice (3) are offered. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
			displayOptions: { show },
		},
		{
			displayName: 'Phone',
			name: 'phone',
			type: 'string',
			required: true,
			default: '',
			placeholder: '+201145803442',
			description: batch
				? "Each row's customer phone, usually an expression such as {{ $json.phone }}. International form (+201145803442); spaces, dashes, brackets and a leading 00 are accepted. A row with another form is reported on its own item and is not sent."
				: "The customer's phone in international form, such as +201145803442; spaces, dashes, brackets and a leading 00 are accepted",
			displayOptions: { show },
		},
		...variablesProperties([operation], batch),
	];
}

/** The optional webhook: where Velents posts the conversation's lifecycle events. */
export function webhookProperty(operation: ConversationOperation): INodeProperties {
	return {
		displayName: FIELD_NAMES.webhook,
		name: 'webhook',
		type: 'collection',
		placeholder: 'Add Webhook Setting',
		default: {},
		description:
			operation === 'batch'
				? 'Where Velents posts the events (started, message, update, ended) of every conversation of the batch'
				: "Where Velents posts the conversation's events (started, message, update, ended)",
		displayOptions: { show: { operation: [operation] } },
		options: [
			{
				displayName: FIELD_NAMES.webhookBody,
				name: 'body',
				type: 'json',
				default: '{}',
				description:
					'Fields Velents adds to every event it posts, such as {"crm_id": "A-17"}, to tell the events apart',
			},
			{
				displayName: 'Headers',
				name: 'headers',
				type: 'fixedCollection',
				placeholder: 'Add Header',
				typeOptions: { multipleValues: true },
				default: {},
				description:
					'Headers Velents sends with every event. When the credential has a Webhook Secret, it is added too, so the Velents Agent Trigger can verify the events.',
				options: [
					{
						displayName: 'Header',
						name: 'header',
						values: [
							{ displayName: 'Name', name: 'name', type: 'string', default: '' },
							{ displayName: 'Value', name: 'value', type: 'string', default: '' },
						],
					},
				],
			},
			{
				displayName: FIELD_NAMES.webhookLink,
				name: 'link',
				type: 'string',
				default: '',
				placeholder: 'https://n8n.example.com/webhook/velents-agent',
				description:
					'The Production URL of a Velents Agent Trigger (or any URL that accepts JSON POSTs)',
			},
		],
	};
}

// ---------------------------------------------------------------- reading the parameters

/** The channel id: a positive integer (the option's value, or an id given by expression). */
export function readChannel(context: IExecuteFunctions, itemIndex: number): number {
	const value = context.getNodeParameter('channelId', itemIndex, '') as unknown;
	const id =
		typeof value === 'number'
			? value
			: typeof value === 'string' && value.trim()
				? Number(value)
				: NaN;
	if (!Number.isInteger(id) || id <= 0) {
		throw invalidField(
			context,
			itemIndex,
			FIELD_NAMES.channel,
			`"${String(value ?? '')}" is not a channel ID: choose a channel, such as WhatsApp (2) or Voice (3)`,
		);
	}
	return id;
}

interface WebhookParameter {
	link?: string;
	headers?: { header?: Array<{ name?: string; value?: unknown }> };
	body?: unknown;
}

const HTTP_URL = /^https?:\/\/[^\s/?#]+[^\s]*$/i;

/**
 * The `webhook` request field, or undefined when no link is set. The credential's webhook secret
 * travels as an extra header, which replaces a user header of the same name in any letter case.
 */
export async function readWebhook(
	context: IExecuteFunctions,
	itemIndex: number,
): Promise<WebhookOptions | undefined> {
	const parameter = context.getNodeParameter('webhook', itemIndex, {}) as WebhookParameter;
	const link = typeof parameter.link === 'string' ? parameter.link.trim() : '';
	const headers: Record<string, string> = {};
	for (const { name, value } of parameter.headers?.header ?? []) {
		const headerName = (name ?? '').trim();
		if (headerName)
			headers[headerName] = value === undefined || value === null ? '' : String(value);
	}
	const body = parseJsonObject(
		context,
		itemIndex,
		parameter.body,
		fieldPath(FIELD_NAMES.webhook, FIELD_NAMES.webhookBody),
	);
	const linkField = fieldPath(FIELD_NAMES.webhook, FIELD_NAMES.webhookLink);

	if (!link) {
		if (Object.keys(headers).length || Object.keys(body).length) {
			throw invalidField(
				context,
				itemIndex,
				linkField,
				'is empty, but webhook headers or body fields are set',
			);
		}
		return undefined;
	}
	if (!HTTP_URL.test(link)) {
		throw invalidField(context, itemIndex, linkField, `"${link}" is not an http(s) URL`);
	}
	const secretHeaders = forwardedSecretHeaders(await readWebhookSecret(context, itemIndex));
	const secretNames = new Set(Object.keys(secretHeaders).map((name) => name.toLowerCase()));
	for (const name of Object.keys(headers)) {
		if (secretNames.has(name.toLowerCase())) delete headers[name];
	}
	Object.assign(headers, secretHeaders);

	const webhook: WebhookOptions = { link };
	if (Object.keys(headers).length) webhook.headers = headers;
	if (Object.keys(body).length) webhook.body = body;
	return webhook;
}

/** The credential's webhook secret, if it has one. */
async function readWebhookSecret(
	context: IExecuteFunctions,
	itemIndex: number,
): Promise<string | undefined> {
	const credentials = await context.getCredentials<IDataObject>(CREDENTIAL_TYPES.agent, itemIndex);
	const secret = credentials.webhookSecret;
	return typeof secret === 'string' && secret ? secret : undefined;
}
