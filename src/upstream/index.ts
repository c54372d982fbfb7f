// Builds the process-wide PartnerApi from configuration: one keep-alive Agent, one credentials source,
// the retry policy and the circuit breaker, and whoever observes the calls.
import type { UpstreamAuth } from '../config.js';
import type { Logger } from '../logger.js';
import { ClientCredentials, passThrough, staticToken, type Credentials } from './auth.js';
import { PartnerApi } from './client.js';
import { DEFAULT_RETRY_POLICY, PartnerBreaker, type RetryPolicy } from './resilience.js';
import { NO_TELEMETRY, type UpstreamTelemetry } from './telemetry.js';
import type { SharedReads } from './reads.js';
import { createAgent } from './transport.js';

export interface PartnerApiSettings {
  apiUrl: URL;
  auth: UpstreamAuth;
  timeoutMs: number;
  /** Connections to the partner API held open at most (PODERO_MAX_CONNECTIONS). */
  maxConnections?: number;
  logger: Logger;
  /** Extra attempts of a read after a retryable failure (PODERO_RETRIES); the backoff is resilience.ts's. */
  retries?: number;
  /** How long the circuit breaker stays open before a probe (PODERO_BREAKER_COOLDOWN_MS). */
  breakerCooldownMs?: number;
  telemetry?: UpstreamTelemetry;
  /** Reads shared between requests (PODERO_CACHE_TTL_MS); absent: off. */
  reads?: SharedReads | undefined;
  /** The clock token expiry is judged by (tests move it instead of waiting). */
  now?: () => number;
  /** The backoff's jitter (tests pass a fixed one). */
  random?: () => number;
}

export interface PartnerApiHandle {
  api: PartnerApi;
  breaker: PartnerBreaker;
  /** Obtains the first access token (client credentials), so the first request does not wait for it; never rejects. */
  warmUp(): Promise<boolean>;
  close(): Promise<void>;
}

export function createPartnerApi(settings: PartnerApiSettings): PartnerApiHandle {
  const { apiUrl, auth, timeoutMs, logger, now, telemetry = NO_TELEMETRY } = settings;
  const dispatcher = createAgent(timeoutMs, settings.maxConnections);
  let credentials: Credentials;
  switch (auth.mode) {
    case 'static-token':
      credentials = staticToken(auth.token);
      break;
    case 'client-credentials':
      credentials = new ClientCredentials({ ...auth, dispatcher, timeoutMs, logger, onToken: () => telemetry.tokenFetched(), ...(now ? { now } : {}) });
      break;
    case 'pass-through':
      credentials = passThrough();
      break;
  }
  const retry: RetryPolicy = { ...DEFAULT_RETRY_POLICY, retries: settings.retries ?? DEFAULT_RETRY_POLICY.retries, ...(settings.random ? { random: settings.random } : {}) };
  const breaker = new PartnerBreaker({
    cooldownMs: settings.breakerCooldownMs ?? 5000,
    onStateChange: (state) => {
      telemetry.breakerState(state);
      logger[state === 'closed' ? 'info' : 'warn']({ state }, 'partner API circuit breaker');
    },
  });
  const api = new PartnerApi({ baseUrl: apiUrl, credentials, timeoutMs, dispatcher, logger, retry, breaker, telemetry, reads: settings.reads });
  return {
    api,
    breaker,
    warmUp: () =>
      auth.mode === 'client-credentials'
        ? Promise.resolve(credentials.authorization(undefined)).then(
            () => true,
            (error: unknown) => {
              logger.warn({ code: (error as { code?: string }).code }, 'could not obtain a partner API access token at start-up; the first request will try again');
              return false;
            },
          )
        : Promise.resolve(true),
    close: () => dispatcher.close(),
  };
}

export { PartnerApi, ApiSession } from './client.js';
export { UpstreamError } from './errors.js';
