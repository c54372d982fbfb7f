// Where the Authorization header of an upstream call comes from. Three modes (see config.ts):
// a static token, OAuth2 client credentials, or the caller's own header passed through.
import { createHash } from 'node:crypto';
import type { Dispatcher } from 'undici';
import type { Logger } from '../logger.js';
import { send } from './transport.js';
import { UpstreamError } from './errors.js';

export interface Credentials {
  /**
   * The Authorization header value for one call: the value itself when it is at hand (the common case,
   * which then costs no promise and no wait), a promise while a token is being fetched. Rejects with
   * UNAUTHENTICATED when there is none.
   */
  authorization(callerAuthorization: string | undefined): string | Promise<string>;
  /**
   * Whose view of the partner API a call has, for sharing cached reads: one view for the
   * organization's own credentials, one per caller's header in pass-through mode, none without one.
   */
  partition(callerAuthorization: string | undefined): string | undefined;
  /**
   * Called after upstream answered 401 to a call made with `used`. Resolves to a fresh header to retry
   * with once, or undefined when renewing cannot help. Absent for credentials that cannot be renewed.
   */
  renew?(used: string): Promise<string | undefined>;
}

export function staticToken(token: string): Credentials {
  const header = `Bearer ${token}`;
  return { authorization: () => header, partition: () => 'organization' };
}

/** The caller's own header goes upstream as it came; a caller without one never causes a call. */
export function passThrough(): Credentials {
  return {
    authorization(callerAuthorization) {
      if (!callerAuthorization) {
        return Promise.reject(
          new UpstreamError('UNAUTHENTICATED', 'Send an Authorization header: this gateway forwards it to the partner API'),
        );
      }
      return callerAuthorization;
    },
    // A digest, so the cache never holds a caller's token.
    partition: (callerAuthorization) => (callerAuthorization ? createHash('sha256').update(callerAuthorization).digest('base64url') : undefined),
  };
}

export interface ClientCredentialsOptions {
  tokenUrl: URL;
  clientId: string;
  clientSecret: string;
  dispatcher: Dispatcher;
  timeoutMs: number;
  logger: Logger;
  now?: () => number;
  /** Told about each token obtained (the token-refresh metric). */
  onToken?: () => void;
}

interface CachedToken {
  header: string;
  /** When to fetch a new one: shortly before upstream's `expires_in` runs out. */
  refreshAt: number;
}

/** Upstream documents `expires_in` as "typically 36000"; used only when a token response omits it. */
const DEFAULT_EXPIRES_IN_S = 36_000;

/** `expires_in` as a number of seconds (a numeric string is read too); 0 means "do not reuse it". */
function lifetimeSeconds(expiresIn: unknown): number {
  const seconds = typeof expiresIn === 'string' && /^\d+$/.test(expiresIn.trim()) ? Number(expiresIn) : expiresIn;
  return typeof seconds === 'number' && Number.isFinite(seconds) && seconds >= 0 ? seconds : DEFAULT_EXPIRES_IN_S;
}

/**
 * OAuth2 client credentials (https://developers.podero.com/partner-api/getting-started/get-access-token): `POST /oauth2/token/` with Basic auth and a JSON body.
 * The token is cached until shortly before it expires, and however many calls wait for one, at most
 * one token request is in flight.
 */
export class ClientCredentials implements Credentials {
  readonly #options: ClientCredentialsOptions;
  readonly #basic: string;
  readonly #now: () => number;
  #cached: CachedToken | undefined;
  #inFlight: Promise<string> | undefined;

  constructor(options: ClientCredentialsOptions) {
    this.#options = options;
    this.#basic = `Basic ${Buffer.from(`${options.clientId}:${options.clientSecret}`).toString('base64')}`;
    this.#now = options.now ?? Date.now;
  }

  authorization(): string | Promise<string> {
    if (this.#cached && this.#now() < this.#cached.refreshAt) return this.#cached.header;
    this.#inFlight ??= this.#fetchToken().finally(() => {
      this.#inFlight = undefined;
    });
    return this.#inFlight;
  }

  partition(): string {
    return 'organization';
  }

  async renew(used: string): Promise<string | undefined> {
    // Many calls may fail with the same stale token at once: only the first one drops it, the
    // others then join the one token request in flight (or take the token it already brought).
    if (this.#cached?.header === used) this.#cached = undefined;
    return this.authorization();
  }

  async #fetchToken(): Promise<string> {
    const { tokenUrl, dispatcher, timeoutMs, logger } = this.#options;
    const started = this.#now();
    const { body } = await send(dispatcher, {
      method: 'POST',
      origin: tokenUrl.origin,
      path: tokenUrl.pathname + tokenUrl.search,
      headers: {
        authorization: this.#basic,
        'content-type': 'application/json',
        accept: 'application/json',
        'cache-control': 'no-cache',
      },
      body: JSON.stringify({ grant_type: 'client_credentials' }),
      timeoutMs,
      resource: 'an access token',
    }).catch((error: unknown) => {
      // 400/401 from the token endpoint both mean the client id or secret were not accepted.
      if (error instanceof UpstreamError && (error.status === 400 || error.status === 401)) {
        throw new UpstreamError('UNAUTHENTICATED', 'The partner API did not accept the client credentials', { status: error.status });
      }
      throw error;
    });
    const token = (body as { access_token?: unknown } | null)?.access_token;
    if (typeof token !== 'string' || token === '') {
      throw new UpstreamError('UPSTREAM_ERROR', 'The token endpoint answered without an access_token');
    }
    const lifetimeMs = lifetimeSeconds((body as { expires_in?: unknown }).expires_in) * 1000;
    // Renew a minute early, or a tenth of the lifetime early for short-lived tokens.
    const margin = Math.min(60_000, lifetimeMs / 10);
    const header = `Bearer ${token}`;
    this.#cached = { header, refreshAt: started + lifetimeMs - margin };
    logger.info({ expiresInS: lifetimeMs / 1000 }, 'obtained a partner API access token');
    this.#options.onToken?.();
    return header;
  }
}
