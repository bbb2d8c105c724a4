/**
 * The API pipeline, in the order a Laravel app would run it for this contract:
 * rate limit → route → bearer token (of the route's kind) → ability → JSON body → handler.
 * Every answer carries the rate-limit headers; a refused (429) request goes no further.
 */
import type { IncomingHttpHeaders } from 'node:http';

import { agentRoutes } from './agentApi';
import type { ApiDeps, ApiRequest, ApiRoute, BaseContext } from './apiRoute';
import { HttpError, isPlainObject } from './http';
import type { ApiResult, JsonBody } from './http';
import { rateLimitHeaders, rateLimitKey } from './rateLimit';
import { Router } from './router';
import { supportRoutes } from './supportApi';

const UNAUTHENTICATED = { message: 'Unauthenticated.' };
const METHODS_WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

export function bearerToken(headers: IncomingHttpHeaders): string | null {
	const match = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '');
	return match ? match[1] : null;
}

export function createApi(deps: ApiDeps): (request: ApiRequest) => ApiResult {
	const router = new Router<ApiRoute>();
	for (const route of [...agentRoutes(deps), ...supportRoutes(deps)])
		router.add(route.method, route.path, route);

	return (request) => {
		const token = bearerToken(request.headers);
		const decision = deps.limiter.hit(rateLimitKey(token, request.remoteAddress));
		const headers = rateLimitHeaders(decision);
		if (!decision.allowed) return { status: 429, headers, body: { message: 'Too Many Attempts.' } };
		try {
			const result = route(router, deps, request, token);
			return { ...result, headers: { ...headers, ...result.headers } };
		} catch (error) {
			if (error instanceof HttpError)
				return {
					status: error.status,
					body: error.body,
					headers: { ...headers, ...error.headers },
				};
			// A sandbox bug: answer like Laravel's production 500, and say why on stderr.
			console.error('[sandbox] handler failed:', error);
			return { status: 500, body: { message: 'Server Error' }, headers };
		}
	};
}

function route(
	router: Router<ApiRoute>,
	deps: ApiDeps,
	request: ApiRequest,
	token: string | null,
): ApiResult {
	const match = router.match(request.method, request.url.pathname);
	if (!match)
		throw new HttpError(404, {
			message: `The route ${request.url.pathname.replace(/^\//, '')} could not be found.`,
		});
	const definition = match.value;
	if (token === null) throw new HttpError(401, UNAUTHENTICATED);
	const config = deps.config();

	const base = (): BaseContext => ({
		url: request.url,
		params: match.params,
		body: METHODS_WITH_BODY.has(request.method.toUpperCase()) ? jsonObjectBody(request.body) : {},
		baseUrl: request.baseUrl,
		token,
	});

	if (definition.auth === 'agent') {
		// An agent token never opens Support endpoints and vice versa: each kind is looked up in its own table.
		const agent = Object.hasOwn(config.agents, token) ? config.agents[token] : undefined;
		if (!agent) throw new HttpError(401, UNAUTHENTICATED);
		return definition.handle({ ...base(), agent });
	}
	const tenant = Object.hasOwn(config.supportTokens, token)
		? config.supportTokens[token]
		: undefined;
	if (!tenant) throw new HttpError(401, UNAUTHENTICATED);
	if (definition.ability !== null && !tenant.abilities.includes(definition.ability)) {
		throw new HttpError(403, {
			message: `Invalid ability provided. This action requires the "${definition.ability}" ability, which this token does not have.`,
		});
	}
	return definition.handle({ ...base(), tenant });
}

/** 400 for a body that is not JSON, or JSON but not an object; `{}` for an empty body. */
function jsonObjectBody(parsed: JsonBody): Record<string, unknown> {
	if (parsed.kind === 'empty') return {};
	if (parsed.kind === 'malformed')
		throw new HttpError(400, { message: `Malformed JSON body: ${parsed.reason}` });
	if (!isPlainObject(parsed.value))
		throw new HttpError(400, { message: 'The request body must be a JSON object.' });
	return parsed.value;
}
