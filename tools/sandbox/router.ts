/**
 * Method + path matching. Templates mark a parameter as a whole segment `__Name__`, because the
 * contract builds parameterised paths with functions that URL-encode their argument: calling
 * `SUPPORT_PATHS.ticket('__Ticket__')` yields a template without re-declaring the path.
 */

const PARAM_SEGMENT = /^__(\w+)__$/;

export interface RouteMatch<T> {
	value: T;
	params: Record<string, string>;
}

interface CompiledRoute<T> {
	method: string;
	segments: string[];
	value: T;
}

export function paramTemplate(name: string): string {
	return `__${name}__`;
}

export class Router<T> {
	private readonly routes: Array<CompiledRoute<T>> = [];

	add(method: string, template: string, value: T): this {
		this.routes.push({ method: method.toUpperCase(), segments: splitPath(template), value });
		return this;
	}

	/** Paths match case-sensitively, as Laravel's routes do; a trailing slash is ignored. */
	match(method: string, pathname: string): RouteMatch<T> | undefined {
		const segments = splitPath(pathname);
		const upper = method.toUpperCase();
		for (const route of this.routes) {
			if (route.method !== upper || route.segments.length !== segments.length) continue;
			const params = matchSegments(route.segments, segments);
			if (params) return { value: route.value, params };
		}
		return undefined;
	}
}

function splitPath(path: string): string[] {
	return path.split('/').filter((segment) => segment !== '');
}

function matchSegments(template: string[], actual: string[]): Record<string, string> | undefined {
	const params: Record<string, string> = {};
	for (let index = 0; index < template.length; index++) {
		const param = PARAM_SEGMENT.exec(template[index]);
		if (param) {
			const decoded = safeDecode(actual[index]);
			if (decoded === undefined) return undefined;
			params[param[1]] = decoded;
		} else if (template[index] !== actual[index]) {
			return undefined;
		}
	}
	return params;
}

function safeDecode(segment: string): string | undefined {
	try {
		return decodeURIComponent(segment);
	} catch {
		return undefined;
	}
}
