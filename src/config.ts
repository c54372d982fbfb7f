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
  /** Connections to the partner API the process may hold open; calls beyond them wait for one. */
  maxConnections: number;
  /** Upstream calls one GraphQL request may make in all. */
  maxCallsPerRequest: number;
  /** Extra attempts of an upstream read after a retryable failure. */
  retries: number;
  /** How long the circuit breaker stays open before it lets a probe through. */
  breakerCooldownMs: number;
  /** Every GraphQL request is answered within this (its upstream calls and retries stop at it). */
  requestTimeoutMs: number;
  /** After SIGTERM: how long the gateway keeps serving (readiness already failing) before it stops listening. */
  shutdownDelayMs: number;
  /** Serve /metrics on this port instead of the GraphQL port. */
  metricsPort: number | undefined;
  /** OpenTelemetry traces over OTLP/HTTP; absent: no tracing. */
  tracing: Tracing | undefined;
  /** How long an upstream read may be shared between requests; 0: not at all. */
  cacheTtlMs: number;
  /** Redis, for state replicas share (APQ documents, cached reads, callers' budgets); absent: each process keeps its own. */
  redisUrl: URL | undefined;
  /** Browser origins allowed to call the gateway cross-origin (CORS); none by default. */
  corsOrigins: string[];
  /** What one request may cost before it runs (see src/plugins/use-operation-limits.ts). */
  limits: Limits;
  /** Serve GraphiQL at the GraphQL endpoint (GET, Accept: text/html). */
  graphiql: boolean;
  /** Answer introspection (`__schema`, `__type`). The federation `_service` field is not introspection. */
  introspection: boolean;
  /** NODE_ENV=development: error messages keep graphql-js's "Did you mean ...?" hints. */
  development: boolean;
  /** Caller authentication with JWTs from the partner's identity provider; absent: callers are not authenticated. */
  auth: CallerAuth | undefined;
  /**
   * Upstream calls one caller may cause per minute (a token bucket); 0: no limit. Unset: 600 with
   * caller authentication, none without (see DEFAULT_UPSTREAM_CALLS_PER_MINUTE).
   */
  upstreamCallsPerMinute: number;
  /** Subscriptions: how devices are polled for them, and what bounds them (src/live/). */
  live: LiveConfig;
  /** COMPRESSION, COMPRESSION_MIN_BYTES: GraphQL responses compressed for clients that accept br or gzip; absent: never. */
  compression: { minBytes: number } | undefined;
  /** Trusted documents (PERSISTED_DOCUMENTS*): the operations clients ship, run by id; absent: automatic persisted queries alone. */
  persistedDocuments: PersistedDocumentsConfig | undefined;
}

/** Trusted documents: read at start-up by src/plugins/use-persisted-queries.ts (readTrustedDocuments). */
export interface PersistedDocumentsConfig {
  /** PERSISTED_DOCUMENTS: Apollo's persisted query manifest, or a JSON object of id → document. */
  file: string;
  /** PERSISTED_DOCUMENTS_ONLY: every other document is refused (PERSISTED_QUERY_NOT_IN_LIST). */
  only: boolean;
  /** PERSISTED_DOCUMENTS_STAFF_EXEMPT: callers whose token says admin or staff may send any document. */
  staffExempt: boolean;
}

export interface LiveConfig {
  /** LIVE_POLL_INTERVAL_MS: how often a watched device is read (±10 %). */
  intervalMs: number;
  /** LIVE_FAST_POLL_INTERVAL_MS: the interval while a boost is `requested`. */
  fastIntervalMs: number;
  /** LIVE_MAX_POLLERS: distinct devices (and device lists) polled at once by this process. */
  maxPollers: number;
  /** LIVE_MAX_SUBSCRIPTIONS_PER_CALLER: open subscriptions one caller may hold; 0: no limit. */
  maxPerCaller: number;
  /** LIVE_MAX_CONNECTIONS_PER_CLIENT: open subscription connections (WebSocket, SSE, multipart) per client address; 0: no limit. */
  maxConnectionsPerClient: number;
}

/** How callers prove who they are: a JWT from the partner's identity provider (see src/caller/). */
export interface CallerAuth {
  /** The identity provider's JSON Web Key Set. */
  jwksUrl: URL;
  issuer: string;
  audience: string;
  /** The claim holding the caller's Podero user id. */
  userClaim: string;
  /** When set, the claim holding the partner's own customer id (the user's `external_user_id`) instead. */
  externalUserClaim: string | undefined;
  /** The claim holding the caller's role: `admin` or `staff` act on every user; anything else is an end user. */
  roleClaim: string;
  /** Let an operation that selects only `_service { sdl }` through without a token (composition tools). */
  publicServiceSdl: boolean;
}

/** Where traces go: the standard OTEL_* variables (the exporter reads its headers and timeouts itself). */
export interface Tracing {
  serviceName: string;
}

/** Bounds on one request, each checked before anything expensive runs; see the README's "Limits". */
export interface Limits {
  /** Bytes of one HTTP request body. */
  requestBytes: number;
  /** Lexical tokens of one document (counted before it is parsed; comments are not tokens). */
  tokens: number;
  /** Nesting of fields in one operation (fragments flattened; `__schema` introspection is exempt). */
  depth: number;
  /** Aliased fields in one operation (`__typename` aliases are free). */
  aliases: number;
  /** Directives in one operation. */
  directives: number;
  /** Entity representations in one `_entities` request (the sum over its `_entities` fields). */
  entities: number;
  /** What an operation may cost to execute: fields after fragment expansion, lists weighted (src/plugins/operation-cost.ts). */
  cost: number;
  /** Errors in one response; the rest are summarised in one last error. */
  errors: number;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const API_PATH = '/api/partners/v2.0';

/**
 * Defaults that GraphiQL's introspection (184 tokens, depth exempt), the README's examples and a
 * federation router's `_entities` batches pass with room to spare, and that stop the hostile-input
 * cases (200 aliases, 10,000 tokens, 1,000 directives, depth 60) before anything runs. Why each value:
 * - requestBytes 256 KiB: the largest legitimate body is an `_entities` batch at the entity limit
 *   (1000 representations of ~120 bytes) plus a document at the token limit; yoga's own default is
 *   25 MB, which lets one request pin a document of that size in memory.
 * - tokens 3000: about 15 times the introspection query; a large app operation with its fragments is
 *   a few hundred to ~2000 tokens.
 * - depth 15: the schema's deepest useful path is 5 fields; 15 leaves room for client fragments.
 * - aliases 50: a dashboard asking for a few dozen devices at once; each distinct one costs an upstream call.
 * - directives 50: @include/@skip on every field of a large form.
 * - entities 1000: a router sends one representation per entity in a list; lists of a few hundred are normal.
 * - errors 100: graphql-js stops validating at 100 errors too.
 * - cost 100,000: the costliest operation the gateway ships is GraphiQL's full introspection query
 *   (51,853; the README's, the demo's and the Apollo Client example's are 2-157, a router's entity
 *   batch ~130), so introspection passes with a margin of 1.9 and an app's operations with one of
 *   over 600; the hostile-input cases of fragments that multiply through `owner { devices { ... } }`
 *   cost 800,000 and more at three levels. (test/unit/operation-cost.test.ts measures these.)
 */
export const DEFAULT_LIMITS: Limits = {
  requestBytes: 256 * 1024,
  tokens: 3000,
  depth: 15,
  aliases: 50,
  directives: 50,
  entities: 1000,
  errors: 100,
  cost: 100_000,
};
/**
 * RATE_LIMIT_UPSTREAM_CALLS_PER_MINUTE when it is unset and callers are authenticated: each signed-in
 * caller (the token's user, else its subject) gets 600 calls a minute. Without caller authentication
 * the only key is the client address, and a federation router or a backend in front of the gateway
 * sends every one of its users from one address: a default budget would cut them all off at once, so
 * there is none unless the variable sets one.
 */
export const DEFAULT_UPSTREAM_CALLS_PER_MINUTE = 600;

/**
 * Subscriptions' defaults. The intervals are the partner's guidance for apps that poll
 * (https://developers.podero.com/partner-api/user-journeys/end-user/dashboard-integration): device state
 * changes every 5-15 minutes and a 30 s stale time suits it; poll every ~3 s while a boost is requested.
 * - Pollers: each costs one upstream call per interval, so 10,000 is ~333 calls a second at 30 s,
 *   the most one organization's quota should carry for live views.
 * - Per caller: a signed-in user's dashboard watches a handful of devices, 100 leaves room for many
 *   tabs. Without caller authentication the only key is the client address, which a router or backend
 *   shares with all its users, so there is none unless the variable sets one (as for the call budget).
 * - Connections per client address: a router holds one per subscription it forwards (Hive Gateway and
 *   Apollo Router open a WebSocket or a stream per subscription), so the default is as high as the
 *   pollers bound; it bounds sockets and file descriptors one address can pin, not users.
 */
export const DEFAULT_LIVE = { intervalMs: 30_000, fastIntervalMs: 3000, maxPollers: 10_000, maxPerCaller: 100, maxConnectionsPerClient: 10_000 };
/**
 * LIVE_POLL_INTERVAL_MS when it is unset in demo mode: the embedded simulator's devices take a new reading
 * every 5 s (src/simulator/dynamics.ts), so GraphiQL's subscription tab ticks within seconds rather than
 * every 30 s, and polling a simulator on this machine costs no one's quota. A value that is set is kept.
 */
export const DEMO_LIVE_INTERVAL_MS = 5000;
/**
 * COMPRESSION_MIN_BYTES when it is unset: a smaller body travels with yoga's response head in one TCP
 * segment (1448 bytes on Ethernet, less the ~190-byte head and Vary), so compressing it saves no packet
 * and no round trip, only a few hundred bytes, for CPU (src/plugins/use-compression.ts; the README's
 * "Performance and scale-out" has the measurements).
 */
export const DEFAULT_COMPRESSION_MIN_BYTES = 1200;

const API_URL_EXPECTED = `an https URL of the API base, ending in ${API_PATH} (http only on this machine; no credentials, query or fragment)`;

const optionalText = z
  .string()
  .transform((v) => v.trim())
  .optional()
  .transform((v) => (v === '' ? undefined : v));

/** An integer; undefined when unset or blank, for a default that depends on other settings. */
function optionalInteger(min: number, max: number) {
  const expected = `an integer from ${min} to ${max}`;
  return z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === '' ? undefined : Number(v)))
    .pipe(z.number({ error: expected }).int(expected).min(min, expected).max(max, expected).optional());
}

function integer(min: number, max: number, fallback: number) {
  return optionalInteger(min, max).transform((v) => v ?? fallback);
}

function flag(fallback: boolean) {
  return optionalText.pipe(
    z
      .enum(['true', 'false', '1', '0'], { error: 'true or false' })
      .optional()
      .transform((v) => (v === undefined ? fallback : v === 'true' || v === '1')),
  );
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
  PODERO_MAX_CONNECTIONS: integer(1, 65_536, 512),
  PODERO_MAX_CALLS_PER_REQUEST: integer(1, 100_000, 100),
  PODERO_RETRIES: integer(0, 10, 2),
  PODERO_BREAKER_COOLDOWN_MS: integer(100, 600_000, 5000),
  REQUEST_TIMEOUT_MS: integer(100, 600_000, 15_000),
  SHUTDOWN_DELAY_MS: integer(0, 600_000, 0),
  METRICS_PORT: integer(0, 65_535, 0).transform((port) => (port === 0 ? undefined : port)),
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalText,
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: optionalText,
  OTEL_SERVICE_NAME: optionalText.transform((v) => v ?? 'podero-graphql-gateway'),
  OTEL_SDK_DISABLED: flag(false),
  PODERO_CACHE_TTL_MS: integer(0, 600_000, 0),
  REDIS_URL: optionalText.pipe(
    z
      .string()
      .refine((v) => URL.canParse(v) && ['redis:', 'rediss:'].includes(new URL(v).protocol), 'a redis:// or rediss:// URL')
      .transform((v) => new URL(v))
      .optional(),
  ),
  CORS_ORIGINS: origins,
  MAX_REQUEST_BYTES: integer(1024, 64 * 1024 * 1024, DEFAULT_LIMITS.requestBytes),
  MAX_TOKENS: integer(10, 1_000_000, DEFAULT_LIMITS.tokens),
  MAX_DEPTH: integer(1, 200, DEFAULT_LIMITS.depth),
  MAX_ALIASES: integer(0, 100_000, DEFAULT_LIMITS.aliases),
  MAX_DIRECTIVES: integer(0, 100_000, DEFAULT_LIMITS.directives),
  MAX_ENTITIES: integer(1, 1_000_000, DEFAULT_LIMITS.entities),
  MAX_ERRORS: integer(1, 100_000, DEFAULT_LIMITS.errors),
  MAX_COST: integer(1, 1_000_000_000, DEFAULT_LIMITS.cost),
  GRAPHIQL: flag(true),
  INTROSPECTION: flag(true),
  NODE_ENV: optionalText,
  PODERO_DEMO: flag(false),
  AUTH_JWKS_URL: upstreamUrl('an https URL of the identity provider\'s JSON Web Key Set (http only on this machine; no credentials, query or fragment)'),
  AUTH_ISSUER: optionalText,
  AUTH_AUDIENCE: optionalText,
  AUTH_USER_CLAIM: optionalText.transform((v) => v ?? 'podero_user_id'),
  AUTH_EXTERNAL_USER_CLAIM: optionalText,
  AUTH_ROLE_CLAIM: optionalText.transform((v) => v ?? 'podero_role'),
  AUTH_PUBLIC_SERVICE_SDL: flag(true),
  RATE_LIMIT_UPSTREAM_CALLS_PER_MINUTE: optionalInteger(0, 1_000_000),
  LIVE_POLL_INTERVAL_MS: optionalInteger(100, 3_600_000),
  LIVE_FAST_POLL_INTERVAL_MS: integer(100, 3_600_000, DEFAULT_LIVE.fastIntervalMs),
  LIVE_MAX_POLLERS: integer(0, 1_000_000, DEFAULT_LIVE.maxPollers),
  LIVE_MAX_SUBSCRIPTIONS_PER_CALLER: optionalInteger(0, 1_000_000),
  LIVE_MAX_CONNECTIONS_PER_CLIENT: integer(0, 1_000_000, DEFAULT_LIVE.maxConnectionsPerClient),
  COMPRESSION: flag(true),
  COMPRESSION_MIN_BYTES: integer(0, 1_073_741_824, DEFAULT_COMPRESSION_MIN_BYTES),
  PERSISTED_DOCUMENTS: optionalText,
  PERSISTED_DOCUMENTS_ONLY: flag(false),
  PERSISTED_DOCUMENTS_STAFF_EXEMPT: flag(false),
});

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = Env.safeParse(env);
  const problems = parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.')}: expected ${issue.message}`);
  // Blank is unset, as optionalText reads it.
  const set = (name: string) => (env[name] ?? '').trim() !== '';
  problems.push(...credentialProblems(set, env), ...authProblems(set), ...persistedDocumentProblems(set, env));
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
    maxConnections: e.PODERO_MAX_CONNECTIONS,
    maxCallsPerRequest: e.PODERO_MAX_CALLS_PER_REQUEST,
    retries: e.PODERO_RETRIES,
    breakerCooldownMs: e.PODERO_BREAKER_COOLDOWN_MS,
    requestTimeoutMs: e.REQUEST_TIMEOUT_MS,
    shutdownDelayMs: e.SHUTDOWN_DELAY_MS,
    metricsPort: e.METRICS_PORT,
    tracing:
      (e.OTEL_EXPORTER_OTLP_ENDPOINT ?? e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) !== undefined && !e.OTEL_SDK_DISABLED
        ? { serviceName: e.OTEL_SERVICE_NAME }
        : undefined,
    cacheTtlMs: e.PODERO_CACHE_TTL_MS,
    redisUrl: e.REDIS_URL,
    corsOrigins: e.CORS_ORIGINS,
    limits: {
      requestBytes: e.MAX_REQUEST_BYTES,
      tokens: e.MAX_TOKENS,
      depth: e.MAX_DEPTH,
      aliases: e.MAX_ALIASES,
      directives: e.MAX_DIRECTIVES,
      entities: e.MAX_ENTITIES,
      errors: e.MAX_ERRORS,
      cost: e.MAX_COST,
    },
    graphiql: e.GRAPHIQL,
    introspection: e.INTROSPECTION,
    development: e.NODE_ENV === 'development',
    auth:
      e.AUTH_JWKS_URL === undefined
        ? undefined
        : {
            jwksUrl: e.AUTH_JWKS_URL,
            issuer: e.AUTH_ISSUER!,
            audience: e.AUTH_AUDIENCE!,
            userClaim: e.AUTH_USER_CLAIM,
            externalUserClaim: e.AUTH_EXTERNAL_USER_CLAIM,
            roleClaim: e.AUTH_ROLE_CLAIM,
            publicServiceSdl: e.AUTH_PUBLIC_SERVICE_SDL,
          },
    upstreamCallsPerMinute: e.RATE_LIMIT_UPSTREAM_CALLS_PER_MINUTE ?? (e.AUTH_JWKS_URL === undefined ? 0 : DEFAULT_UPSTREAM_CALLS_PER_MINUTE),
    live: liveConfig(e),
    compression: e.COMPRESSION ? { minBytes: e.COMPRESSION_MIN_BYTES } : undefined,
    persistedDocuments: persistedDocumentsConfig(e),
  };
}

function persistedDocumentsConfig(e: z.infer<typeof Env>): PersistedDocumentsConfig | undefined {
  if (e.PERSISTED_DOCUMENTS === undefined) return undefined;
  return { file: e.PERSISTED_DOCUMENTS, only: e.PERSISTED_DOCUMENTS_ONLY, staffExempt: e.PERSISTED_DOCUMENTS_STAFF_EXEMPT };
}

/** What the trusted-document settings need: an allow-list without a list would refuse every request. */
function persistedDocumentProblems(set: (name: string) => boolean, env: Record<string, string | undefined>): string[] {
  const on = (name: string) => ['true', '1'].includes((env[name] ?? '').trim());
  const problems: string[] = [];
  if (on('PERSISTED_DOCUMENTS_ONLY') && !set('PERSISTED_DOCUMENTS')) {
    problems.push('PERSISTED_DOCUMENTS_ONLY: is true, but PERSISTED_DOCUMENTS is not set (name the manifest of the operations your clients ship)');
  }
  if (on('PERSISTED_DOCUMENTS_STAFF_EXEMPT') && !on('PERSISTED_DOCUMENTS_ONLY')) problems.push('PERSISTED_DOCUMENTS_STAFF_EXEMPT: is only used with PERSISTED_DOCUMENTS_ONLY=true');
  // Staff is a role in the caller's token: without caller authentication no one is staff.
  if (on('PERSISTED_DOCUMENTS_STAFF_EXEMPT') && !set('AUTH_JWKS_URL')) problems.push('PERSISTED_DOCUMENTS_STAFF_EXEMPT: is true, but AUTH_JWKS_URL is not set (no caller is staff without caller authentication)');
  return problems;
}

/** Subscriptions' settings (see DEFAULT_LIVE): the interval is shorter in demo mode, unless it is set. */
function liveConfig(e: z.infer<typeof Env>): LiveConfig {
  return {
    intervalMs: e.LIVE_POLL_INTERVAL_MS ?? (e.PODERO_API_URL === undefined ? DEMO_LIVE_INTERVAL_MS : DEFAULT_LIVE.intervalMs),
    fastIntervalMs: e.LIVE_FAST_POLL_INTERVAL_MS,
    maxPollers: e.LIVE_MAX_POLLERS,
    maxPerCaller: e.LIVE_MAX_SUBSCRIPTIONS_PER_CALLER ?? (e.AUTH_JWKS_URL === undefined ? 0 : DEFAULT_LIVE.maxPerCaller),
    maxConnectionsPerClient: e.LIVE_MAX_CONNECTIONS_PER_CLIENT,
  };
}

/** Which credential variables go together: checked on presence alone, so every problem is listed at once. */
function credentialProblems(set: (name: string) => boolean, env: Record<string, string | undefined>): string[] {
  const problems: string[] = [];
  const demo = ['true', '1'].includes((env.PODERO_DEMO ?? '').trim());
  if (demo && set('PODERO_API_URL')) problems.push('PODERO_DEMO: is true, but PODERO_API_URL is set (unset one: the demo uses its embedded simulator)');
  // A production deployment that forgot its API URL must not serve the simulator's made-up devices
  // and report ready: there, the demo runs only when asked for.
  if (!set('PODERO_API_URL') && !demo && (env.NODE_ENV ?? '').trim() === 'production') {
    problems.push('PODERO_API_URL: is not set, and NODE_ENV=production: set PODERO_API_URL (and the partner credentials), or PODERO_DEMO=true to run the demo with its embedded simulator');
  }
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

/** Which caller-authentication variables go together, and what they rule out. */
function authProblems(set: (name: string) => boolean): string[] {
  const problems: string[] = [];
  if (!set('AUTH_JWKS_URL')) {
    for (const name of ['AUTH_ISSUER', 'AUTH_AUDIENCE', 'AUTH_USER_CLAIM', 'AUTH_EXTERNAL_USER_CLAIM', 'AUTH_ROLE_CLAIM']) {
      if (set(name)) problems.push(`${name}: is set, but AUTH_JWKS_URL is not (caller authentication is off without it)`);
    }
    return problems;
  }
  for (const name of ['AUTH_ISSUER', 'AUTH_AUDIENCE']) if (!set(name)) problems.push(`${name}: expected a value, since AUTH_JWKS_URL is set`);
  if (set('AUTH_USER_CLAIM') && set('AUTH_EXTERNAL_USER_CLAIM')) {
    problems.push('AUTH_EXTERNAL_USER_CLAIM: expected either AUTH_USER_CLAIM (a Podero user id) or AUTH_EXTERNAL_USER_CLAIM (your customer id), not both');
  }
  if (set('PODERO_API_URL')) {
    if (!set('PODERO_ACCESS_TOKEN') && !set('PODERO_CLIENT_ID')) {
      // Pass-through mode forwards the caller's Authorization header: with caller authentication that
      // header is the caller's JWT, which must never reach the partner API.
      problems.push(
        'AUTH_JWKS_URL: caller authentication needs the gateway\'s own partner API credentials (PODERO_ACCESS_TOKEN, or PODERO_CLIENT_ID + PODERO_CLIENT_SECRET); without them the gateway would forward each caller\'s JWT upstream (pass-through mode)',
      );
    }
    if (!set('PODERO_ORG_ID')) problems.push('PODERO_ORG_ID: expected a value, since AUTH_JWKS_URL is set (callers act within the configured organization)');
  }
  return problems;
}

function upstreamAuth(e: z.infer<typeof Env>, apiUrl: URL): UpstreamAuth {
  const { PODERO_ACCESS_TOKEN: token, PODERO_CLIENT_ID: clientId, PODERO_CLIENT_SECRET: clientSecret } = e;
  if (token !== undefined) return { mode: 'static-token', token };
  if (clientId !== undefined && clientSecret !== undefined) {
    // Upstream's token endpoint sits outside the API base, at the origin (https://developers.podero.com/partner-api/getting-started/get-access-token).
    const tokenUrl = e.PODERO_TOKEN_URL ?? new URL('/oauth2/token/', apiUrl.origin);
    return { mode: 'client-credentials', clientId, clientSecret, tokenUrl };
  }
  return { mode: 'pass-through' };
}
