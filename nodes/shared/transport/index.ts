/**
 * The transport: the one way every Velents node talks to Velents. `request.ts` sends (with its retry
 * rule), `rateBudget.ts` paces, `responseBody.ts` reads answers with a size limit, `errors.ts` words
 * the failures, `pagination.ts` reads lists, `credential.ts` checks the Base URL and keeps the secrets
 * out.
 */
export { apiBaseUrl, baseUrlProblem, redact } from './credential';
export { describeValue, fieldErrors } from './errors';
export { listOfRecords, velentsRequestAllPages } from './pagination';
export { PROCESS_RATE_BUDGETS, RateBudgets } from './rateBudget';
export { createdRecord, expectRecord, velentsRequest } from './request';
export {
	DEFAULT_TRANSPORT_OPTIONS,
	type RequestContext,
	type TransportOptions,
	type VelentsRequest,
	type VelentsResponse,
	type VelentsResponseStatus,
} from './types';
