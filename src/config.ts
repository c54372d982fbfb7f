// The environment, read once, validated into one typed Config. Nothing else reads process.env.
// An invalid value stops start-up with a message naming the variable and what it expected; values
// themselves are never echoed (some are secrets).
import { z } from 'zod';

export type UpstreamAuth =
  | { mode: 'static-token'; token: string }
  | { mode: 'client-credentials'; clientId: string; clientSecret: string; tokenUrl: URL }
  | { mode: 'pass-through' };

export type Upstream =
  /** No PODERO_API_URL: the embedded simulator is started and used. */
  | { mode: 'demo' }
  | { mode: 'remote'; apiUrl: URL; auth: UpstreamAuth };

export interface Config {
  port: number;
  host: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  upstream: Upstream;
  /** The organization used when a query passes no `orgId`. */
  orgId: string | undefined;
  /** Per upstream call, from sending to the last byte of the answer. */
  timeoutMs: number;
  /** Upstream calls in flight per GraphQL request. */
  maxConcurrency: number;
  /** Upstream calls one GraphQL request may make in all. */
  maxCallsPerRequest: number;
  /** Browser origins allowed to call the gateway cross-origin (CORS); none by default. */
  corsOrigins: string[];
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const API_PATH = '/api/partners/v2.0';
const API_URL_EXPECTED = `an https URL of the API base, ending in ${API_PATH} (http only on this machine; no credentials, query or fragment)`;

const optionalText = z
  .string()
  .transform((v) => v.trim())
  .optional()
  .transform((v) => (v === '' ? undefined : v));

function integer(min: number, max: number, fallback: number) {
  return z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === '' ? fallback : Number(v)))
    .pipe(z.number({ error: `an integer from ${min} to ${max}` }).int(`an integer from ${min} to ${max}`).min(min, `an integer from ${min} to ${max}`).max(max, `an integer from ${min} to ${max}`));
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * An upstream URL: https (plain http only to this machine, e.g. a local proxy or the simulator), and
 * nothing a log line could leak or the client would silently drop — no credentials, query or fragment.
 */
function upstreamUrl(expected: string) {
  return optionalText.pipe(
    z
      .string()
      .refine((v) => {
        if (!URL.canParse(v)) return false;
        const url = new URL(v);
        const secure = url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname));
        return secure && url.username === '' && url.password === '' && url.search === '' && url.hash === '';
      }, expected)
      .transform((v) => new URL(v))
      .optional(),
  );
}

/** Browser origins, comma-separated: each `scheme://host[:port]`, exactly as browsers send `Origin`. */
const origins = optionalText.pipe(
  z
    .string()
    .optional()
    .transform((v) => (v === undefined ? [] : v.split(',').map((o) => o.trim()).filter((o) => o !== '')))
    .refine((list) => list.every((o) => URL.canParse(o) && new URL(o).origin === o), 'comma-separated origins such as https://app.example.com (scheme, host and port only)'),
);

const Env = z.object({
  PORT: integer(0, 65_535, 4000),
  HOST: optionalText.transform((v) => v ?? '127.0.0.1'),
  LOG_LEVEL: optionalText.pipe(
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { error: 'one of fatal, error, warn, info, debug, trace, silent' }).default('info'),
  ),
  PODERO_API_URL: upstreamUrl(API_URL_EXPECTED).refine((url) => url === undefined || url.pathname.replace(/\/+$/, '').endsWith(API_PATH), API_URL_EXPECTED),
  PODERO_ORG_ID: optionalText.pipe(z.guid({ error: 'a UUID (the organization id)' }).optional()),
  PODERO_ACCESS_TOKEN: optionalText,
  PODERO_CLIENT_ID: optionalText,
  PODERO_CLIENT_SECRET: optionalText,
  PODERO_TOKEN_URL: upstreamUrl('an https URL of the OAuth2 token endpoint (http only on this machine; no credentials, query or fragment)'),
  PODERO_TIMEOUT_MS: integer(1, 600_000, 10_000),
  PODERO_MAX_CONCURRENCY: integer(1, 1024, 8),
  PODERO_MAX_CALLS_PER_REQUEST: integer(1, 100_000, 100),
  CORS_ORIGINS: origins,
});

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = Env.safeParse(env);
  const problems = parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.')}: expected ${issue.message}`);
  problems.push(...credentialProblems(env));
  if (!parsed.success || problems.length > 0) throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  const e = parsed.data;

  return {
    port: e.PORT,
    host: e.HOST,
    logLevel: e.LOG_LEVEL,
    upstream: e.PODERO_API_URL === undefined ? { mode: 'demo' } : { mode: 'remote', apiUrl: e.PODERO_API_URL, auth: upstreamAuth(e, e.PODERO_API_URL) },
    orgId: e.PODERO_ORG_ID?.toLowerCase(),
    timeoutMs: e.PODERO_TIMEOUT_MS,
    maxConcurrency: e.PODERO_MAX_CONCURRENCY,
    maxCallsPerRequest: e.PODERO_MAX_CALLS_PER_REQUEST,
    corsOrigins: e.CORS_ORIGINS,
  };
}

/** Which credential variables go together: checked on presence alone, so every problem is listed at once. */
function credentialProblems(env: Record<string, string | undefined>): string[] {
  const set = (name: string) => (env[name] ?? '').trim() !== '';
  const problems: string[] = [];
  if (!set('PODERO_API_URL')) {
    // Credentials without an API URL are a mistake, not a request for demo data.
    for (const name of ['PODERO_ACCESS_TOKEN', 'PODERO_CLIENT_ID', 'PODERO_CLIENT_SECRET', 'PODERO_TOKEN_URL']) {
      if (set(name)) problems.push(`${name}: is set, but PODERO_API_URL is not (set it, or unset ${name} for demo mode)`);
    }
    return problems;
  }
  const [token, clientId, clientSecret] = [set('PODERO_ACCESS_TOKEN'), set('PODERO_CLIENT_ID'), set('PODERO_CLIENT_SECRET')];
  if (token && (clientId || clientSecret)) {
    problems.push('PODERO_ACCESS_TOKEN: expected either a static token or PODERO_CLIENT_ID + PODERO_CLIENT_SECRET, not both');
  }
  if (clientId && !clientSecret) problems.push('PODERO_CLIENT_SECRET: expected a value, since PODERO_CLIENT_ID is set');
  if (clientSecret && !clientId) problems.push('PODERO_CLIENT_ID: expected a value, since PODERO_CLIENT_SECRET is set');
  if (set('PODERO_TOKEN_URL') && !clientId) problems.push('PODERO_TOKEN_URL: is only used with PODERO_CLIENT_ID + PODERO_CLIENT_SECRET');
  return problems;
}

function upstreamAuth(e: z.infer<typeof Env>, apiUrl: URL): UpstreamAuth {
  const { PODERO_ACCESS_TOKEN: token, PODERO_CLIENT_ID: clientId, PODERO_CLIENT_SECRET: clientSecret } = e;
  if (token !== undefined) return { mode: 'static-token', token };
  if (clientId !== undefined && clientSecret !== undefined) {
    // Upstream's token endpoint sits outside the API base, at the origin (digest §2.2).
    const tokenUrl = e.PODERO_TOKEN_URL ?? new URL('/oauth2/token/', apiUrl.origin);
    return { mode: 'client-credentials', clientId, clientSecret, tokenUrl };
  }
  return { mode: 'pass-through' };
}
