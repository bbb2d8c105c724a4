/**
 * Support Center activity from outside the API: tickets opened and messages written on Velents'
 * side (the agent's or a human's reply, a system note), one at a time or as a timed script, so
 * that a poller has something new to find while it runs. Used by `/__sandbox/*` and the Sandbox object.
 */
import { z } from 'zod';

import { HISTORY_ROLES } from '../../nodes/shared/contract';
import { createTicketRequestSchema } from '../contract/schemas';
import type { HistoryItem, Ticket } from '../../nodes/shared/contract/types';
import { HttpError } from './http';
import type { SupportStore } from './supportApi';
import { addMessage, openTicket } from './supportApi';

export const newTicketSchema = createTicketRequestSchema.and(
	z.object({ tenant_id: z.number().int().default(1) }),
);

export const newMessageSchema = z
	.object({
		role: z.enum(HISTORY_ROLES),
		message: z.string().min(1),
	})
	.strict();

export const activityScriptSchema = z
	.object({
		/** Pause before each step, in sandbox milliseconds (divided by `timeScale`). */
		every_ms: z.number().min(0).default(1000),
		steps: z
			.array(
				z.union([
					z.object({ ticket: newTicketSchema }).strict(),
					z
						.object({
							message: newMessageSchema.extend({
								conversation_id: z.union([z.number(), z.string()]),
							}),
						})
						.strict(),
				]),
			)
			.min(1),
	})
	.strict();

export type NewTicket = z.infer<typeof newTicketSchema>;
export type NewMessage = z.infer<typeof newMessageSchema>;
export type ActivityScript = z.infer<typeof activityScriptSchema>;

export function addTicket(store: SupportStore, ticket: NewTicket): Ticket {
	const { tenant_id: tenantId, ...request } = ticket;
	return openTicket(store, tenantId, request);
}

/** Appends a message to a conversation; 404 when there is no such conversation. */
export function addConversationMessage(
	store: SupportStore,
	conversationId: number | string,
	message: NewMessage,
): HistoryItem {
	const conversation = store.state().supportConversations.get(String(conversationId));
	if (!conversation) throw new HttpError(404, { message: `No conversation ${conversationId}.` });
	return addMessage(store, conversation, message.role, message.message);
}

/**
 * Plays the script's steps in order, pausing before each. Stops when `current()` turns false (the
 * sandbox was reset or closed) or a step fails (a message for a conversation that does not exist).
 */
export async function playActivity(
	store: SupportStore,
	script: ActivityScript,
	pause: (sandboxMs: number) => Promise<void>,
	current: () => boolean,
): Promise<void> {
	for (const step of script.steps) {
		await pause(script.every_ms);
		if (!current()) return;
		if ('ticket' in step) addTicket(store, step.ticket);
		else addConversationMessage(store, step.message.conversation_id, step.message);
	}
}
