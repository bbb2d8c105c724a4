import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { SUPPORT_PATHS, TICKET_PRIORITIES } from '../../../shared/contract';
import type { CreateTicketRequest, Customer, Ticket } from '../../../shared/contract/types';
import { enumOptions, transportOptions } from '../../../shared/descriptions';
import { showOnlyFor } from '../../../shared/displayOptions';
import { fieldPath } from '../../../shared/panelNames';
import { createdRecord, velentsRequest, type VelentsRequest } from '../../../shared/transport';
import {
	invalidField,
	isEmail,
	parseJsonObject,
	requirePhone,
	requireText,
} from '../../../shared/validation';

/** The panel's names of the fields that errors point at (all but Subject under Additional Fields). */
const FIELD_NAMES = {
	subject: 'Subject',
	additionalFields: 'Additional Fields',
	customerEmail: 'Customer Email',
	customerPhone: 'Customer Phone',
	extraFields: 'Extra Body Fields (JSON)',
	metadata: 'Metadata (JSON)',
} as const;
const additional = (name: string): string => fieldPath(FIELD_NAMES.additionalFields, name);

export const description: INodeProperties[] = showOnlyFor(
	{ resource: ['ticket'], operation: ['create'] },
	[
		{
			displayName: FIELD_NAMES.subject,
			name: 'subject',
			type: 'string',
			required: true,
			default: '',
			placeholder: 'Order 1212 arrived damaged',
			description: 'Short summary of the case, shown as the ticket title',
		},
		{
			displayName: FIELD_NAMES.additionalFields,
			name: 'additionalFields',
			type: 'collection',
			placeholder: 'Add Field',
			default: {},
			options: [
				{
					displayName: 'Channel',
					name: 'channel',
					type: 'string',
					default: '',
					placeholder: 'email',
					description: 'Where the case came from, as your Support Center names it',
				},
				{
					displayName: FIELD_NAMES.customerEmail,
					name: 'customerEmail',
					type: 'string',
					placeholder: 'name@email.com',
					default: '',
				},
				{
					displayName: 'Customer Name',
					name: 'customerName',
					type: 'string',
					default: '',
				},
				{
					displayName: FIELD_NAMES.customerPhone,
					name: 'customerPhone',
					type: 'string',
					default: '',
					placeholder: '+201145803442',
					description:
						'In international form; spaces, dashes, brackets and a leading 00 are accepted',
				},
				{
					displayName: FIELD_NAMES.extraFields,
					name: 'extraFields',
					type: 'json',
					default: '{}',
					description:
						'More top-level fields for the request body, for fields Velents accepts that this node does not list yet',
				},
				{
					displayName: 'First Message',
					name: 'message',
					type: 'string',
					typeOptions: { rows: 4 },
					default: '',
					description: "The customer's first message, which opens the ticket's conversation",
				},
				{
					displayName: FIELD_NAMES.metadata,
					name: 'metadata',
					type: 'json',
					default: '{}',
					description: 'Your own data to keep on the ticket, such as {"order_id": "1212"}',
				},
				{
					displayName: 'Priority',
					name: 'priority',
					type: 'options',
					default: 'medium',
					options: enumOptions(TICKET_PRIORITIES),
				},
				{
					displayName: 'Tags',
					name: 'tags',
					type: 'string',
					default: '',
					placeholder: 'delivery, vip',
					description: 'Comma-separated tags',
				},
			],
		},
	],
);

interface AdditionalFields {
	channel?: string;
	customerEmail?: string;
	customerName?: string;
	customerPhone?: string;
	extraFields?: unknown;
	message?: string;
	metadata?: unknown;
	priority?: CreateTicketRequest['priority'];
	tags?: string | string[];
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<object> {
	const request: VelentsRequest = {
		method: 'POST',
		path: SUPPORT_PATHS.tickets,
		body: ticketBody(this, itemIndex),
		action: 'create a ticket',
		itemIndex,
	};
	const response = await velentsRequest(
		this,
		'support',
		request,
		transportOptions(this, itemIndex),
	);
	const ticket: Partial<Ticket> = createdRecord(response, request);
	// The ids the next nodes need come first, so that they are easy to pick in an expression.
	return {
		public_id: ticket.public_id ?? null,
		conversation_id: ticket.conversation_id ?? null,
		...ticket,
	};
}

/** The create-ticket body, checked field by field before anything is sent. */
function ticketBody(context: IExecuteFunctions, itemIndex: number): IDataObject {
	const fields = context.getNodeParameter('additionalFields', itemIndex, {}) as AdditionalFields;
	const body: IDataObject = {
		...parseJsonObject(context, itemIndex, fields.extraFields, additional(FIELD_NAMES.extraFields)),
		subject: requireText(context, itemIndex, 'subject', FIELD_NAMES.subject),
	};
	if (fields.message?.trim()) body.message = fields.message;
	if (fields.priority) body.priority = fields.priority;
	if (fields.channel?.trim()) body.channel = fields.channel.trim();

	const customer: Customer = {};
	if (fields.customerName?.trim()) customer.name = fields.customerName.trim();
	if (fields.customerEmail?.trim()) {
		const email = fields.customerEmail.trim();
		if (!isEmail(email)) {
			throw invalidField(
				context,
				itemIndex,
				additional(FIELD_NAMES.customerEmail),
				`"${email}" is not an e-mail address`,
			);
		}
		customer.email = email;
	}
	if (fields.customerPhone?.toString().trim()) {
		customer.phone = requirePhone(
			context,
			itemIndex,
			fields.customerPhone,
			additional(FIELD_NAMES.customerPhone),
		);
	}
	if (Object.keys(customer).length) body.customer = customer;

	const tags = Array.isArray(fields.tags) ? fields.tags : (fields.tags ?? '').split(',');
	const cleanTags = tags.map((tag) => String(tag).trim()).filter(Boolean);
	if (cleanTags.length) body.tags = cleanTags;

	const metadata = parseJsonObject(
		context,
		itemIndex,
		fields.metadata,
		additional(FIELD_NAMES.metadata),
	);
	if (Object.keys(metadata).length) body.metadata = metadata as IDataObject;
	return body;
}
