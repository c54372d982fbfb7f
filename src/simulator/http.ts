// The simulator's small routing vocabulary: routes, what a handler sees, what it answers, and the
// answers the partner API gives for bad ids, unknown resources and foreign organizations.
import type { IncomingMessage } from 'node:http';

export const API = '/api/partners/v2.0';
/** A path segment; handlers validate it (the real API answers a malformed UUID with 422). */
export const SEGMENT = '([^/]+)';
export const UUID = /^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$/i;

export interface RequestContext {
  params: string[];
  query: URLSearchParams;
  body: unknown;
  headers: IncomingMessage['headers'];
}

export interface Reply {
  status: number;
  body?: unknown;
}

export interface Route {
  method: string;
  /** Name used for counting: method and templated path below the API base, e.g. "GET /org/{org_id}/users". */
  name: string;
  pattern: RegExp;
  /** Whether a valid bearer token is required. */
  auth: boolean;
  handle(ctx: RequestContext): Reply | Promise<Reply>;
}

/**
 * A route below the API base; `template` names it, `{name}` placeholders match one path segment.
 * `auth: false` is for the few endpoints upstream documents as authorized by other means (a secret).
 */
export function apiRoute(method: string, template: string, handle: Route['handle'], { auth = true } = {}): Route {
  return { method, name: `${method} ${template}`, pattern: templatePattern(API + template), auth, handle };
}

/** `{name}` placeholders of a path template as capture groups of one path segment each. */
export function templatePattern(template: string): RegExp {
  return new RegExp(`^${template.replace(/\{[a-z_]+\}/g, SEGMENT)}/?$`);
}

export const ok = (body: unknown, status = 200): Reply => ({ status, body });
export const noContent = (): Reply => ({ status: 204 });
export const notFound = (): Reply => ({ status: 404, body: { detail: 'Not Found' } });
export const forbidden = (): Reply => ({ status: 403, body: { detail: 'You do not have permission to perform this action.' } });

/** django-ninja answers a malformed path UUID with 422 and pydantic's error list. */
export function invalidUuids(params: Record<string, string>): Reply | undefined {
  const bad = Object.entries(params).filter(([, v]) => !UUID.test(v));
  if (bad.length === 0) return undefined;
  return {
    status: 422,
    body: { detail: bad.map(([name]) => ({ type: 'uuid_parsing', loc: ['path', name], msg: 'Input should be a valid UUID' })) },
  };
}

/** One item of a pydantic validation error list. */
export interface Problem {
  type: string;
  loc: (string | number)[];
  msg: string;
}

/** A pydantic-style 422 listing every problem found in the request. */
export function unprocessable(problems: Problem[]): Reply {
  return { status: 422, body: { detail: problems } };
}
