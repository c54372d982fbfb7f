// A stand-in identity provider for tests: real key pairs generated here, a real JWKS served over HTTP
// on port 0 (counting how often it is fetched), and real JWTs signed with those keys, plus the forged
// kinds a gateway must refuse (`alg: none`, HMAC, unknown keys).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import type { CallerAuth } from '../../src/config.js';

export const ISSUER = 'https://id.example.test/';
export const AUDIENCE = 'https://gateway.example.test';

interface SigningKey {
  kid: string;
  alg: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export interface TokenOptions {
  kid?: string;
  /** Claims to add or override (`undefined` removes one). */
  claims?: Record<string, unknown>;
  /** Seconds from now; negative for an expired token. */
  expiresInS?: number;
  notBeforeS?: number;
}

export class IdentityProvider {
  readonly #keys = new Map<string, SigningKey>();
  /** Keys the JWKS publishes (a key can sign without being published: an unknown key). */
  readonly #published = new Set<string>();
  #server: Server | undefined;
  #fetches = 0;
  /** When set, the JWKS endpoint answers with this status instead of the keys. */
  failWith: number | undefined;

  static async start(): Promise<IdentityProvider> {
    const provider = new IdentityProvider();
    await provider.addKey('key-1', 'RS256');
    provider.#server = createServer((req, res) => {
      if (req.url !== '/.well-known/jwks.json') return void res.writeHead(404).end();
      provider.#fetches++;
      if (provider.failWith) return void res.writeHead(provider.failWith).end();
      const keys = [...provider.#published].map((kid) => provider.#keys.get(kid)!.publicJwk);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys }));
    });
    await new Promise<void>((resolve) => provider.#server!.listen(0, '127.0.0.1', resolve));
    return provider;
  }

  get jwksUrl(): URL {
    return new URL(`http://127.0.0.1:${(this.#server!.address() as AddressInfo).port}/.well-known/jwks.json`);
  }

  /** How often the gateway fetched the key set. */
  get fetches(): number {
    return this.#fetches;
  }

  /** The gateway's AUTH_* settings for this provider. */
  auth(overrides: Partial<CallerAuth> = {}): CallerAuth {
    return {
      jwksUrl: this.jwksUrl,
      issuer: ISSUER,
      audience: AUDIENCE,
      userClaim: 'podero_user_id',
      externalUserClaim: undefined,
      roleClaim: 'podero_role',
      publicServiceSdl: true,
      ...overrides,
    };
  }

  /** A new signing key; published in the JWKS unless `publish` is false (then it is an unknown key). */
  async addKey(kid: string, alg: 'RS256' | 'PS256' | 'ES256' | 'EdDSA', publish = true): Promise<void> {
    const { privateKey, publicKey } = await generateKeyPair(alg, alg === 'EdDSA' ? { crv: 'Ed25519' } : {});
    this.#keys.set(kid, { kid, alg, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } });
    if (publish) this.#published.add(kid);
  }

  publish(kid: string): void {
    this.#published.add(kid);
  }

  retire(kid: string): void {
    this.#published.delete(kid);
  }

  /** A signed access token: an end user's unless the claims say otherwise. */
  async token({ kid = 'key-1', claims = {}, expiresInS = 600, notBeforeS }: TokenOptions = {}): Promise<string> {
    const key = this.#keys.get(kid)!;
    const now = Math.floor(Date.now() / 1000);
    const payload: JWTPayload = { sub: 'auth0|user-1', iss: ISSUER, aud: AUDIENCE, iat: now, exp: now + expiresInS, ...claims };
    if (notBeforeS !== undefined) payload.nbf = now + notBeforeS;
    for (const [name, value] of Object.entries(payload)) if (value === undefined) delete payload[name];
    return new SignJWT(payload).setProtectedHeader({ alg: key.alg, kid, typ: 'JWT' }).sign(key.privateKey);
  }

  /** A token signed with HMAC (HS256) under a secret anyone could pick. */
  async hmacToken(claims: Record<string, unknown> = {}): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ sub: 'forger', iss: ISSUER, aud: AUDIENCE, exp: now + 600, ...claims })
      .setProtectedHeader({ alg: 'HS256', kid: 'key-1' })
      .sign(new TextEncoder().encode('a-secret-anyone-could-pick-0123456789'));
  }

  async close(): Promise<void> {
    this.#server?.closeAllConnections();
    await new Promise<void>((resolve) => this.#server?.close(() => resolve()) ?? resolve());
  }
}

/** An unsigned token (`alg: none`): header and claims as given, no signature. */
export function unsignedToken(claims: Record<string, unknown>): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  return `${encode({ alg: 'none', typ: 'JWT' })}.${encode({ sub: 'forger', iss: ISSUER, aud: AUDIENCE, exp: now + 600, ...claims })}.`;
}
