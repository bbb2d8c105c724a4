/** What an API route is and what its handler gets: shared by the pipeline (api.ts) and the endpoints. */
import type { IncomingHttpHeaders } from 'node:http';

import type { SupportAbility } from '../../nodes/shared/contract';
import type { AgentConfiguration } from '../../nodes/shared/contract/types';
import type { ApiResult, JsonBody } from './http';
import type { LifecycleEngine } from './lifecycle';
import type { SandboxOptions, SupportTokenConfig } from './options';
import type { FixedWindowRateLimiter } from './rateLimit';
import type { SandboxState } from './state';

export interface ApiDeps {
	config: () => SandboxOptions;
	state: () => SandboxState;
	lifecycle: LifecycleEngine;
	limiter: FixedWindowRateLimiter;
}

export interface ApiRequest {
	method: string;
	url: URL;
	headers: IncomingHttpHeaders;
	body: JsonBody;
	remoteAddress: string | undefined;
	/** As the client reached us, for pagination links. */
	baseUrl: string;
}

export interface BaseContext {
	url: URL;
	params: Record<string, string>;
	/** The JSON body (an object; `{}` when empty or for GET). */
	body: Record<string, unknown>;
	baseUrl: string;
	token: string;
}

export interface AgentContext extends BaseContext {
	agent: AgentConfiguration;
}

export interface SupportContext extends BaseContext {
	tenant: SupportTokenConfig;
}

export type ApiRoute =
	| { auth: 'agent'; method: string; path: string; handle: (ctx: AgentContext) => ApiResult }
	| {
			auth: 'support';
			method: string;
			path: string;
			/** null: any valid token (e.g. `me`). */
			ability: SupportAbility | null;
			handle: (ctx: SupportContext) => ApiResult;
	  };
