/**
 * What the trigger does when its workflow is activated or deactivated.
 *
 * Velents has no API to register a webhook: the URL travels with each Dispatch or Batch (or is set in
 * Velents' own settings). So activation does what is useful instead: it checks the credential against
 * the agent configuration endpoint, so that a wrong token fails the activation with a clear message
 * rather than at the first event, and it remembers the agent's identity in the node's static data, so
 * that events of other agents can be ignored. Deactivation forgets it.
 *
 * Receiving events does not need Velents to answer, so only a rejected token (401/403) fails the
 * activation. Any other failure (Velents down, a 5xx, a network error) activates the trigger with
 * the identity remembered at an earlier activation, or none, and says so in n8n's log: a restart or
 * publish during an outage must not leave the webhook unregistered and Velents' events answered 404.
 */
import type { IDataObject, IHookFunctions } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { AGENT_PATHS } from '../shared/contract';
import type { AgentConfiguration } from '../shared/contract/types';
import { velentsRequest } from '../shared/transport';
import type { AgentIdentity } from './filters';

/** Where the identity lives in the node's workflow static data. */
export const STATIC_DATA_KEYS = { agentId: 'agentId', agentPublic: 'agentPublic' } as const;

/** The credential's agent, read from Velents (the token is checked on the way). */
export async function readAgentIdentity(context: IHookFunctions): Promise<AgentIdentity> {
	const { data } = await velentsRequest<Partial<AgentConfiguration> | undefined>(
		context,
		'agent',
		{ method: 'GET', path: AGENT_PATHS.configuration, action: 'read the agent configuration' },
		// One retry, and a short deadline: n8n activates workflows one after another at start-up, and
		// an outage does not fail the activation anyway.
		{ maxRetries: 1, timeoutSeconds: 15 },
	);
	const identity: AgentIdentity = {};
	if (typeof data?.id === 'string' || typeof data?.id === 'number') identity.id = String(data.id);
	if (typeof data?.public === 'string' && data.public !== '') identity.public = data.public;
	return identity;
}

/** The identity remembered at activation, or undefined when none is. */
export function rememberedIdentity(staticData: IDataObject): AgentIdentity | undefined {
	const id = staticData[STATIC_DATA_KEYS.agentId];
	const publicName = staticData[STATIC_DATA_KEYS.agentPublic];
	const identity: AgentIdentity = {};
	if (typeof id === 'string') identity.id = id;
	if (typeof publicName === 'string') identity.public = publicName;
	return identity.id === undefined && identity.public === undefined ? undefined : identity;
}

function sameIdentity(a: AgentIdentity | undefined, b: AgentIdentity): boolean {
	return a !== undefined && a.id === b.id && a.public === b.public;
}

/**
 * The credential's agent, or undefined when Velents could not answer (logged). Throws only when
 * Velents rejected the token.
 */
async function readIdentityDuringActivation(
	context: IHookFunctions,
): Promise<AgentIdentity | undefined> {
	try {
		return await readAgentIdentity(context);
	} catch (caught) {
		// The transport reports every failure of the request as a NodeApiError; anything else is not an outage.
		const error = caught instanceof NodeApiError ? caught : undefined;
		if (error === undefined) throw new NodeOperationError(context.getNode(), caught as Error);
		if (isRejectedToken(error)) throw error;
		const remembered = rememberedIdentity(context.getWorkflowStaticData('node'));
		context.logger.warn(
			`Velents Agent Trigger activated without reading the agent configuration (${error.message}${error.httpCode ? `, HTTP ${error.httpCode}` : ''}): ` +
				(remembered
					? `"Only This Agent’s Events" uses the agent remembered from an earlier activation (${describeIdentity(remembered)}).`
					: '"Only This Agent’s Events" cannot filter, and every agent’s events are accepted, until an activation reads the agent.'),
			{ node: context.getNode().name },
		);
		return undefined;
	}
}

function isRejectedToken(error: NodeApiError): boolean {
	return error.httpCode === '401' || error.httpCode === '403';
}

function describeIdentity(identity: AgentIdentity): string {
	return [
		identity.id === undefined ? '' : `id ${identity.id}`,
		identity.public === undefined ? '' : `public name ${identity.public}`,
	]
		.filter(Boolean)
		.join(', ');
}

/**
 * checkExists: true when the identity remembered is still the credential's agent. Reads the agent
 * configuration every time, so a token that went wrong since the last activation fails this one.
 * When Velents cannot answer, true: what is remembered stays, and create is not needed.
 */
export async function isIdentityCurrent(context: IHookFunctions): Promise<boolean> {
	const current = await readIdentityDuringActivation(context);
	if (current === undefined) return true;
	return sameIdentity(rememberedIdentity(context.getWorkflowStaticData('node')), current);
}

/** create: checks the token and remembers the credential's agent (keeps the old one during an outage). */
export async function rememberIdentity(context: IHookFunctions): Promise<boolean> {
	const identity = await readIdentityDuringActivation(context);
	if (identity === undefined) return true;
	const staticData = context.getWorkflowStaticData('node');
	forgetIdentityIn(staticData);
	if (identity.id !== undefined) staticData[STATIC_DATA_KEYS.agentId] = identity.id;
	if (identity.public !== undefined) staticData[STATIC_DATA_KEYS.agentPublic] = identity.public;
	if (identity.id === undefined && identity.public === undefined) {
		context.logger.warn(
			'The Velents agent configuration names no agent id or public name: "Only This Agent’s Events" cannot filter, and all agents’ events are accepted',
			{ node: context.getNode().name },
		);
	}
	return true;
}

/** delete: forgets the agent. Nothing is registered at Velents, so nothing is removed there. */
export async function forgetIdentity(context: IHookFunctions): Promise<boolean> {
	forgetIdentityIn(context.getWorkflowStaticData('node'));
	return true;
}

function forgetIdentityIn(staticData: IDataObject): void {
	delete staticData[STATIC_DATA_KEYS.agentId];
	delete staticData[STATIC_DATA_KEYS.agentPublic];
}
