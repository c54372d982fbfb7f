import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_UPSTREAM_CALLS_PER_MINUTE, loadConfig } from '../../src/config.js';

const API = 'https://sandbox-app.podero.com/api/partners/v2.0';

describe('loadConfig', () => {
  it('runs in demo mode with defaults when nothing is set', () => {
    expect(loadConfig({})).toEqual({
      port: 4000,
      host: '127.0.0.1',
      logLevel: 'info',
      upstream: { mode: 'demo' },
      orgId: undefined,
      timeoutMs: 10_000,
      maxConcurrency: 8,
      maxConnections: 512,
      maxCallsPerRequest: 100,
      retries: 2,
      breakerCooldownMs: 5000,
      requestTimeoutMs: 15_000,
      shutdownDelayMs: 0,
      metricsPort: undefined,
      tracing: undefined,
      cacheTtlMs: 0,
      redisUrl: undefined,
      corsOrigins: [],
      limits: { requestBytes: 262_144, tokens: 3000, depth: 15, aliases: 50, directives: 50, entities: 1000, errors: 100, cost: 100_000 },
      graphiql: true,
      introspection: true,
      development: false,
      auth: undefined,
      // No caller authentication: no budget unless one is set (see the budget tests below).
      upstreamCallsPerMinute: 0,
      // Demo mode polls its simulator every 5 s (DEMO_LIVE_INTERVAL_MS), so GraphiQL's subscription ticks.
      live: { intervalMs: 5000, fastIntervalMs: 3000, maxPollers: 10_000, maxPerCaller: 0, maxConnectionsPerClient: 10_000 },
      // Responses of one TCP segment and more are compressed (DEFAULT_COMPRESSION_MIN_BYTES).
      compression: { minBytes: 1200 },
      // No manifest: automatic persisted queries alone.
      persistedDocuments: undefined,
    });
  });

  it('reads the trusted documents settings, and refuses an allow-list without a list or an exemption nothing uses', () => {
    expect(loadConfig({ PERSISTED_DOCUMENTS: ' manifest.json ' }).persistedDocuments).toEqual({ file: 'manifest.json', only: false, staffExempt: false });
    const auth = { AUTH_JWKS_URL: 'https://id.example.com/jwks.json', AUTH_ISSUER: 'https://id.example.com/', AUTH_AUDIENCE: 'gateway' };
    const trusted = { PERSISTED_DOCUMENTS: 'manifest.json', PERSISTED_DOCUMENTS_ONLY: 'true', PERSISTED_DOCUMENTS_STAFF_EXEMPT: '1' };
    expect(loadConfig({ ...auth, ...trusted }).persistedDocuments).toEqual({ file: 'manifest.json', only: true, staffExempt: true });
    expect(() => loadConfig({ PERSISTED_DOCUMENTS_ONLY: 'true', PERSISTED_DOCUMENTS_STAFF_EXEMPT: 'true' })).toThrow(
      /PERSISTED_DOCUMENTS_ONLY: is true, but PERSISTED_DOCUMENTS is not set[\s\S]*PERSISTED_DOCUMENTS_STAFF_EXEMPT: is true, but AUTH_JWKS_URL is not set/,
    );
    expect(() => loadConfig({ ...auth, PERSISTED_DOCUMENTS: 'manifest.json', PERSISTED_DOCUMENTS_STAFF_EXEMPT: 'true' })).toThrow(
      /PERSISTED_DOCUMENTS_STAFF_EXEMPT: is only used with PERSISTED_DOCUMENTS_ONLY=true/,
    );
    expect(() => loadConfig({ PERSISTED_DOCUMENTS_ONLY: 'yes' })).toThrow(/PERSISTED_DOCUMENTS_ONLY: expected true or false/);
  });

  it('reads the compression switch and threshold', () => {
    expect(loadConfig({ COMPRESSION_MIN_BYTES: '0' }).compression).toEqual({ minBytes: 0 });
    expect(loadConfig({ COMPRESSION: 'false', COMPRESSION_MIN_BYTES: '4096' }).compression).toBeUndefined();
    expect(() => loadConfig({ COMPRESSION: 'gzip', COMPRESSION_MIN_BYTES: '-1' })).toThrow(
      /COMPRESSION: expected true or false[\s\S]*COMPRESSION_MIN_BYTES: expected an integer from 0 to 1073741824/,
    );
  });

  it('reads the request limits and the GraphiQL, introspection and development switches', () => {
    const config = loadConfig({
      MAX_REQUEST_BYTES: '1048576',
      MAX_TOKENS: '500',
      MAX_DEPTH: '8',
      MAX_ALIASES: '0',
      MAX_DIRECTIVES: '5',
      MAX_ENTITIES: '20',
      MAX_ERRORS: '10',
      MAX_COST: '5000',
      GRAPHIQL: 'false',
      INTROSPECTION: '0',
      NODE_ENV: 'development',
    });
    expect(config.limits).toEqual({ requestBytes: 1_048_576, tokens: 500, depth: 8, aliases: 0, directives: 5, entities: 20, errors: 10, cost: 5000 });
    expect([config.graphiql, config.introspection, config.development]).toEqual([false, false, true]);
    expect(() => loadConfig({ MAX_DEPTH: '0', GRAPHIQL: 'yes', MAX_TOKENS: 'many' })).toThrow(/MAX_TOKENS: expected[\s\S]*MAX_DEPTH: expected an integer from 1 to 200[\s\S]*GRAPHIQL: expected true or false/);
  });

  it('reads CORS origins, and allows plain http upstream only on this machine', () => {
    expect(loadConfig({ CORS_ORIGINS: 'https://app.example.com, http://localhost:5173' }).corsOrigins).toEqual(['https://app.example.com', 'http://localhost:5173']);
    expect(loadConfig({ PODERO_API_URL: 'http://127.0.0.1:4010/api/partners/v2.0', PODERO_ACCESS_TOKEN: 't' }).upstream).toMatchObject({ mode: 'remote' });
    expect(loadConfig({ PODERO_API_URL: 'http://localhost:4010/api/partners/v2.0', PODERO_ACCESS_TOKEN: 't' }).upstream).toMatchObject({ mode: 'remote' });
  });

  it('reads the three credential modes', () => {
    expect(loadConfig({ PODERO_API_URL: API, PODERO_ACCESS_TOKEN: 'tok' }).upstream).toEqual({
      mode: 'remote',
      apiUrl: new URL(API),
      auth: { mode: 'static-token', token: 'tok' },
    });
    expect(loadConfig({ PODERO_API_URL: `${API}/`, PODERO_CLIENT_ID: 'id', PODERO_CLIENT_SECRET: 'secret' }).upstream).toEqual({
      mode: 'remote',
      apiUrl: new URL(`${API}/`),
      auth: { mode: 'client-credentials', clientId: 'id', clientSecret: 'secret', tokenUrl: new URL('https://sandbox-app.podero.com/oauth2/token/') },
    });
    expect(
      loadConfig({ PODERO_API_URL: API, PODERO_CLIENT_ID: 'id', PODERO_CLIENT_SECRET: 'secret', PODERO_TOKEN_URL: 'https://auth.example/token/' }).upstream,
    ).toMatchObject({ auth: { tokenUrl: new URL('https://auth.example/token/') } });
    expect(loadConfig({ PODERO_API_URL: API }).upstream).toEqual({ mode: 'remote', apiUrl: new URL(API), auth: { mode: 'pass-through' } });
  });

  it('reads numbers and the organization', () => {
    const config = loadConfig({
      PORT: '0',
      PODERO_ORG_ID: '3C90C3CC-0D44-4B50-8888-8DD25736052A',
      PODERO_TIMEOUT_MS: '2500',
      PODERO_MAX_CONCURRENCY: '4',
      PODERO_MAX_CALLS_PER_REQUEST: '20',
      PODERO_MAX_CONNECTIONS: '64',
    });
    expect(config).toMatchObject({ port: 0, orgId: '3c90c3cc-0d44-4b50-8888-8dd25736052a', timeoutMs: 2500, maxConcurrency: 4, maxCallsPerRequest: 20, maxConnections: 64 });
  });

  const invalid: [Record<string, string>, string][] = [
    [{ PORT: 'eighty' }, 'PORT: expected an integer from 0 to 65535'],
    [{ PORT: '70000' }, 'PORT: expected an integer from 0 to 65535'],
    [{ PODERO_TIMEOUT_MS: '0' }, 'PODERO_TIMEOUT_MS: expected an integer from 1 to 600000'],
    [{ PODERO_MAX_CONNECTIONS: '0' }, 'PODERO_MAX_CONNECTIONS: expected an integer from 1 to 65536'],
    [{ PODERO_MAX_CONCURRENCY: '2.5' }, 'PODERO_MAX_CONCURRENCY: expected an integer'],
    [{ PODERO_ORG_ID: 'acme' }, 'PODERO_ORG_ID: expected a UUID'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL: expected one of'],
    [{ PODERO_API_URL: 'app.podero.com' }, 'PODERO_API_URL: expected an https URL of the API base, ending in /api/partners/v2.0'],
    [{ PODERO_API_URL: 'https://app.podero.com/' }, 'PODERO_API_URL: expected an https URL of the API base, ending in /api/partners/v2.0'],
    [{ PODERO_API_URL: 'http://app.podero.com/api/partners/v2.0' }, 'PODERO_API_URL: expected an https URL'],
    [{ PODERO_API_URL: 'https://user:pass@app.podero.com/api/partners/v2.0' }, 'no credentials, query or fragment'],
    [{ PODERO_API_URL: 'https://app.podero.com/api/partners/v2.0?token=x' }, 'no credentials, query or fragment'],
    [{ CORS_ORIGINS: 'https://app.example.com/path' }, 'CORS_ORIGINS: expected comma-separated origins'],
    [{ CORS_ORIGINS: '*' }, 'CORS_ORIGINS: expected comma-separated origins'],
    [{ PODERO_ACCESS_TOKEN: 'tok' }, 'PODERO_ACCESS_TOKEN: is set, but PODERO_API_URL is not'],
    [{ PODERO_API_URL: API, PODERO_CLIENT_ID: 'id' }, 'PODERO_CLIENT_SECRET: expected a value, since PODERO_CLIENT_ID is set'],
    [{ PODERO_API_URL: API, PODERO_CLIENT_SECRET: 's' }, 'PODERO_CLIENT_ID: expected a value'],
    [{ PODERO_API_URL: API, PODERO_ACCESS_TOKEN: 't', PODERO_CLIENT_ID: 'i', PODERO_CLIENT_SECRET: 's' }, 'PODERO_ACCESS_TOKEN: expected either a static token or'],
    [{ PODERO_API_URL: API, PODERO_TOKEN_URL: 'https://x/' }, 'PODERO_TOKEN_URL: is only used with'],
  ];

  it.each(invalid)('rejects %o naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('lists every problem at once, and never echoes a value', () => {
    let message = '';
    try {
      loadConfig({ PORT: 'x', PODERO_TIMEOUT_MS: '-1', PODERO_API_URL: 'nope-s3cr3t', PODERO_CLIENT_SECRET: 'hunter2-s3cr3t' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('PORT');
    expect(message).toContain('PODERO_TIMEOUT_MS');
    expect(message).toContain('PODERO_API_URL');
    expect(message).not.toContain('s3cr3t');
  });
});

describe('caller authentication (AUTH_*)', () => {
  const remote = { PODERO_API_URL: 'https://app.podero.com/api/partners/v2.0', PODERO_CLIENT_ID: 'c', PODERO_CLIENT_SECRET: 's', PODERO_ORG_ID: '3c90c3cc-0d44-4b50-8888-8dd25736052a' };
  const auth = { AUTH_JWKS_URL: 'https://sso.example.com/realms/energy/protocol/openid-connect/certs', AUTH_ISSUER: 'https://sso.example.com/realms/energy', AUTH_AUDIENCE: 'podero-gateway' };

  it('reads the provider, the claims and the switches', () => {
    const config = loadConfig({ ...remote, ...auth, AUTH_ROLE_CLAIM: 'realm_access.roles', AUTH_PUBLIC_SERVICE_SDL: 'false', RATE_LIMIT_UPSTREAM_CALLS_PER_MINUTE: '0' });
    expect(config.auth).toEqual({
      jwksUrl: new URL(auth.AUTH_JWKS_URL),
      issuer: auth.AUTH_ISSUER,
      audience: auth.AUTH_AUDIENCE,
      userClaim: 'podero_user_id',
      externalUserClaim: undefined,
      roleClaim: 'realm_access.roles',
      publicServiceSdl: false,
    });
    expect(config.upstreamCallsPerMinute).toBe(0);
  });

  describe('the per-caller budget of upstream calls (RATE_LIMIT_UPSTREAM_CALLS_PER_MINUTE)', () => {
    it('is 600 a minute per signed-in caller by default, and none without caller authentication', () => {
      expect(DEFAULT_UPSTREAM_CALLS_PER_MINUTE).toBe(600);
      expect(loadConfig({ ...remote, ...auth }).upstreamCallsPerMinute).toBe(600);
      expect(loadConfig({ ...auth }).upstreamCallsPerMinute).toBe(600);
      expect(loadConfig({ ...remote }).upstreamCallsPerMinute).toBe(0);
      expect(loadConfig({}).upstreamCallsPerMinute).toBe(0);
      // Blank is unset, as for every variable.
      expect(loadConfig({ ...remote, ...auth, RATE_LIMIT_UPSTREAM_CALLS_PER_MINUTE: ' ' }).upstreamCallsPerMinute).toBe(600);
      expect(loadConfig({ ...remote, RATE_LIMIT_UPSTREAM_CALLS_PER_MINUTE: '' }).upstreamCallsPerMinute).toBe(0);
    });

    it('is what the variable says when it is set, with or without caller authentication', () => {
      expect(loadConfig({ ...remote, ...auth, RATE_LIMIT_UPSTREAM_CALLS_PER_MINUTE: '120' }).upstreamCallsPerMinute).toBe(120);
      expect(loadConfig({ ...remote, ...auth, RATE_LIMIT_UPSTREAM_CALLS_PER_MINUTE: '0' }).upstreamCallsPerMinute).toBe(0);
      // A per-address budget without caller authentication, when an operator asks for one.
      expect(loadConfig({ ...remote, RATE_LIMIT_UPSTREAM_CALLS_PER_MINUTE: '600' }).upstreamCallsPerMinute).toBe(600);
      expect(loadConfig({ RATE_LIMIT_UPSTREAM_CALLS_PER_MINUTE: '1000000' }).upstreamCallsPerMinute).toBe(1_000_000);
    });

    it('names a bad value, among the others, in both cases', () => {
      for (const env of [{ ...remote, ...auth }, { ...remote }]) {
        for (const bad of ['-1', '1.5', 'lots', '1000001']) {
          expect(() => loadConfig({ ...env, RATE_LIMIT_UPSTREAM_CALLS_PER_MINUTE: bad, MAX_DEPTH: '0' })).toThrow(
            /MAX_DEPTH: expected an integer from 1 to 200[\s\S]*RATE_LIMIT_UPSTREAM_CALLS_PER_MINUTE: expected an integer from 0 to 1000000/,
          );
        }
      }
    });
  });

  it('refuses pass-through mode with caller authentication, naming the conflict: a JWT must never go upstream', () => {
    expect(() => loadConfig({ PODERO_API_URL: remote.PODERO_API_URL, PODERO_ORG_ID: remote.PODERO_ORG_ID, ...auth })).toThrow(
      /AUTH_JWKS_URL: caller authentication needs the gateway's own partner API credentials .* forward each caller's JWT upstream \(pass-through mode\)/,
    );
  });

  it('lists every missing or conflicting setting at once', () => {
    const error = (() => {
      try {
        loadConfig({ PODERO_API_URL: remote.PODERO_API_URL, PODERO_ACCESS_TOKEN: 't', AUTH_JWKS_URL: 'http://sso.example.com/jwks', AUTH_USER_CLAIM: 'a', AUTH_EXTERNAL_USER_CLAIM: 'sub' });
      } catch (e) {
        return (e as Error).message;
      }
      return '';
    })();
    expect(error).toContain('AUTH_JWKS_URL: expected an https URL'); // plain http only on this machine
    expect(error).toContain('AUTH_ISSUER: expected a value, since AUTH_JWKS_URL is set');
    expect(error).toContain('AUTH_AUDIENCE: expected a value, since AUTH_JWKS_URL is set');
    expect(error).toContain('AUTH_EXTERNAL_USER_CLAIM: expected either AUTH_USER_CLAIM');
    expect(error).toContain('PODERO_ORG_ID: expected a value, since AUTH_JWKS_URL is set');
    expect(() => loadConfig({ AUTH_ISSUER: 'x' })).toThrow('AUTH_ISSUER: is set, but AUTH_JWKS_URL is not');
  });

  it('accepts http for a provider on this machine only', () => {
    expect(loadConfig({ ...remote, ...auth, AUTH_JWKS_URL: 'http://127.0.0.1:8080/jwks' }).auth?.jwksUrl.href).toBe('http://127.0.0.1:8080/jwks');
  });
});
