/**
 * What happens to each request at the trigger's URL. The checks run in this order, cheapest and
 * most telling last, so that nothing about the workflow is revealed before the secret is verified:
 *
 * 1. secret (when the credential has one) missing or wrong → 401, no execution. Verified from the
 *    digest remembered per credential (`./verification`): the credential is read at most once per
 *    5 s while events carry its secret, and again at once for any other. A 401 tells the caller
 *    only that the secret is missing or wrong.
 * 2. body larger than 1 MiB → 413; not JSON, not an object, nested deeper than 64 levels, or
 *    without `event.type` → 400; no execution. Tells the caller what a Velents event must be.
 * 3. an event not selected, another agent's event, required extraction fields missing → 200
 *    `{received: true, ignored: <reason>}` (with the missing fields), no execution: each check
 *    reads only the node's parameters and the body, cheapest first.
 * 4. a byte-identical copy of an event accepted within the hour (a redelivery; unless "Ignore
 *    Repeated Deliveries" is off) → 200 `{received: true, ignored: 'duplicate'}`.
 * 5. otherwise → 200 `{received: true}`, written by n8n once it holds the execution (see the end of
 *    `receiveEvent`), and the workflow runs with the normalised event.
 *
 * The node writes every other answer itself (`noWebhookResponse`), at once; the caller never waits
 * for the workflow.
 */
import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { answerWebhook, answeredByN8n } from '../shared/webhookAnswer';
import { rememberedIdentity } from './activation';
import { deliveries, deliveryKey, forgetUnlessTaken } from './deduplication';
import { PARAMETERS } from './description';
import {
	IGNORED,
	carriesFinalOrNewExtraction,
	isOtherAgent,
	isSelectedEvent,
	missingFields,
	parseFieldList,
} from './filters';
import { nodeScopeOf, readVerifiedEvent } from './incoming';
import { normaliseEvent } from './normalise';
import { agentOf, extractionOf } from './payload';

export async function receiveEvent(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const verified = await readVerifiedEvent(this);
	if (!verified.ok) return verified.answered;
	const { payload, type, about, bytes } = verified;

	const selected = this.getNodeParameter(PARAMETERS.events, []) as string[];
	if (!isSelectedEvent(selected, type, about)) return ignore(this, IGNORED.eventNotSelected);

	const onlyThisAgent = this.getNodeParameter(PARAMETERS.onlyThisAgent, true) as boolean;
	const identity = rememberedIdentity(this.getWorkflowStaticData('node'));
	if (onlyThisAgent && isOtherAgent(identity, agentOf(payload)))
		return ignore(this, IGNORED.otherAgent);

	const required = parseFieldList(this.getNodeParameter(PARAMETERS.requiredExtractionFields, ''));
	if (required.length > 0 && carriesFinalOrNewExtraction(type, about)) {
		const missing = missingFields(required, extractionOf(payload));
		if (missing.length > 0) return ignore(this, IGNORED.missingExtraction, { missing });
	}

	const options = this.getNodeParameter(PARAMETERS.options, {}) as IDataObject;
	// Test URL events always fire, so that a sample can be sent again while building the workflow.
	const key =
		options[PARAMETERS.ignoreRepeatedDeliveries] !== false && this.getMode() !== 'manual'
			? deliveryKey(nodeScopeOf(this), bytes)
			: undefined;
	if (key !== undefined && deliveries.isDuplicate(key)) return ignore(this, IGNORED.duplicate);

	const item = normaliseEvent(payload, {
		receivedAt: new Date(),
		includeRaw: options[PARAMETERS.includeRawPayload] === true,
	});
	if (key !== undefined) forgetUnlessTaken(this.getResponseObject(), key);
	return answeredByN8n([[{ json: item }]], { received: true });
}

function ignore(
	context: IWebhookFunctions,
	reason: string,
	details: IDataObject = {},
): IWebhookResponseData {
	return answerWebhook(context, 200, { received: true, ignored: reason, ...details });
}
