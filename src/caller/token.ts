// Verifying a caller's JWT against the identity provider's keys (jose), and reading who it names.
//
// Only asymmetric signatures are accepted (RS256, PS256, ES256, EdDSA): `alg: none` and HMAC would let
// anyone who knows a shared secret, or nobody at all, mint tokens. `exp` and `sub` are required (`sub`
// a non-blank string, see `subjectOf`), `nbf` is honoured when present, 30 s of clock skew tolerated.
// The key set is fetched once, cached for ten minutes, and fetched again when a token names a key it
// does not hold (at most once per cooldown, 30 s), so a rotated key works within a minute without a
// restart.
// https://github.com/panva/jose/blob/main/docs/jwks/remote/functions/createRemoteJWKSet.md
// jose is loaded when caller authentication is configured, not by every gateway that starts.
//
// A verified token is remembered for at most a minute (never past its `exp`): an app sends the same
// token with every request, and checking its signature again each time cost ~0.28 ms of CPU per
// request, a sixth of the gateway's throughput. Only tokens that passed every check are remembered,
// keyed by a SHA-256 of the token (the cache holds no token), at most 10,000 of them. (What it
// remembers is no more than the key set itself is: jose keeps that for ten minutes.)
import { createHash } from 'node:crypto';
import type { JWTPayload, JWTVerifyGetKey } from 'jose';
import { LRUCache } from 'lru-cache';
import type { CallerAuth } from '../config.js';

const ALGORITHMS = ['RS256', 'PS256', 'ES256', 'EdDSA'];
const CLOCK_SKEW_S = 30;

/**
 * Why a request carries no usable identity. `invalid`: the token (or its absence) is the caller's
 * problem, 401. `unavailable`: the identity provider's keys could not be fetched, 503 — a valid token
 * must not be turned away as if it were forged while the provider is down.
 */
export class AuthenticationError extends Error {
  override readonly name = 'AuthenticationError';
  constructor(
    readonly reason: 'invalid' | 'unavailable',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The key source could not answer (network, timeout, a broken key set), as opposed to "no such key". */
class KeysUnavailable extends Error {}

export interface TokenVerifierOptions {
  /** How soon an unknown key may trigger another fetch of the key set (jose's cooldown). */
  refetchCooldownMs?: number;
  /** How long a verified token is remembered (at most; never past its `exp`). 0: verify every time. */
  verifiedTtlMs?: number;
  /** The clock `exp` is compared with (tests move it). */
  now?: () => number;
}

const VERIFIED_TTL_MS = 60_000;
const VERIFIED_MAX = 10_000;

export type VerifyToken = (token: string) => Promise<JWTPayload>;

export function createTokenVerifier(auth: Pick<CallerAuth, 'jwksUrl' | 'issuer' | 'audience'>, options: TokenVerifierOptions = {}): VerifyToken {
  const verifier = import('jose').then((jose) => verifierWith(jose, auth, options));
  const verify: VerifyToken = async (token) => (await verifier)(token);
  const ttlMs = options.verifiedTtlMs ?? VERIFIED_TTL_MS;
  return ttlMs > 0 ? remembering(verify, ttlMs, options.now ?? Date.now) : verify;
}

/** Remembers tokens that passed verification, until the sooner of `ttlMs` and their `exp`. */
export function remembering(verify: VerifyToken, ttlMs: number, now: () => number): VerifyToken {
  const verified = new LRUCache<string, { payload: JWTPayload; until: number }>({ max: VERIFIED_MAX });
  return async (token) => {
    const key = createHash('sha256').update(token).digest('base64url');
    const known = verified.get(key);
    if (known && known.until > now()) return known.payload;
    const payload = await verify(token);
    // `exp` is required (and checked) above; the skew tolerance is not extended here.
    verified.set(key, { payload, until: Math.min(now() + ttlMs, Number(payload.exp) * 1000) });
    return payload;
  };
}

function verifierWith(
  { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify }: typeof import('jose'),
  auth: Pick<CallerAuth, 'jwksUrl' | 'issuer' | 'audience'>,
  options: TokenVerifierOptions,
): VerifyToken {
  const remote = createRemoteJWKSet(auth.jwksUrl, {
    cooldownDuration: options.refetchCooldownMs ?? 30_000,
    cacheMaxAge: 10 * 60_000,
    timeoutDuration: 5_000,
  });
  const keys: JWTVerifyGetKey = async (header, token) => {
    try {
      return await remote(header, token);
    } catch (error) {
      if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys || error instanceof errors.JOSENotSupported) {
        throw error;
      }
      // The key set could not be refreshed: keep verifying with the keys fetched last, if any (a
      // provider outage should not log everyone out); without any, nothing can be verified.
      const last = remote.jwks();
      if (last) return createLocalJWKSet(last)(header, token);
      throw new KeysUnavailable('The identity provider\'s keys could not be fetched', { cause: error });
    }
  };

  return async (token) => {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        issuer: auth.issuer,
        audience: auth.audience,
        algorithms: ALGORITHMS,
        clockTolerance: CLOCK_SKEW_S,
        requiredClaims: ['exp', 'sub'],
      }));
    } catch (error) {
      if (error instanceof KeysUnavailable) throw new AuthenticationError('unavailable', error.message, { cause: error.cause });
      // Which check failed is for the logs (at debug), never for the caller.
      throw new AuthenticationError('invalid', error instanceof errors.JOSEError ? error.code : 'unreadable token', { cause: error });
    }
    // jose checks that `sub` is present, not what it holds; a token that names nobody is not remembered.
    subjectOf(payload);
    return payload;
  };
}

/** OpenID Connect's limit on a subject (https://openid.net/specs/openid-connect-core-1_0.html#IDToken). */
const MAX_SUBJECT_CHARS = 255;

/**
 * Who a verified token names: its `sub`, a string (RFC 7519 §4.1.2,
 * https://www.rfc-editor.org/rfc/rfc7519#section-4.1.2) that is not blank. Budgets and log lines are
 * keyed on it, so a token whose `sub` is missing, empty, blank, a number, an object or a list is
 * invalid like any other: turned into a string, it would name "", "42" or "[object Object]", a
 * caller shared by everyone whose token says the same.
 */
export function subjectOf(payload: JWTPayload): string {
  const { sub } = payload as { sub?: unknown };
  if (typeof sub !== 'string' || sub.trim() === '' || sub.length > MAX_SUBJECT_CHARS) throw new AuthenticationError('invalid', 'malformed subject claim');
  return sub;
}

/**
 * A claim by name: a top-level claim of exactly that name first (Auth0's namespaced claims are URLs
 * with dots, e.g. `https://example.com/podero_user_id`), else a dotted path into nested claims
 * (Keycloak puts realm roles in `realm_access.roles`).
 */
export function claim(payload: JWTPayload, name: string): unknown {
  if (name in payload) return payload[name];
  let value: unknown = payload;
  for (const part of name.split('.')) {
    if (value === null || typeof value !== 'object' || !(part in value)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** The role a claim grants: `admin` or `staff` from a string or a list (Entra `roles`, Cognito `cognito:groups`). */
export function roleOf(value: unknown): 'admin' | 'staff' | 'user' {
  const roles = Array.isArray(value) ? value : [value];
  if (roles.includes('admin')) return 'admin';
  if (roles.includes('staff')) return 'staff';
  return 'user';
}
