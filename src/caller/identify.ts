// Who sent a request, decided once per request and shared by the plugin that turns a failure into a
// 401 (src/plugins/use-caller-auth.ts) and the context that scopes everything the request does.
import type { CallerAuth } from '../config.js';
import type { Logger } from '../logger.js';
import type { PartnerApi } from '../upstream/client.js';
import { isUuid } from '../upstream/paths.js';
import type { Caller } from './caller.js';
import { ExternalUsers } from './external-users.js';
import { AuthenticationError, claim, createTokenVerifier, roleOf, subjectOf, type TokenVerifierOptions, type VerifyToken } from './token.js';

/** Longer than any identity provider's access token; a longer header is not parsed. */
const MAX_TOKEN_CHARS = 8192;
const BEARER = /^Bearer +([A-Za-z0-9_.~+/-]+=*)$/i;

export interface CallerIdentityOptions {
  /** Absent: caller authentication is off and every caller acts as the organization. */
  auth: CallerAuth | undefined;
  verify?: VerifyToken | undefined;
  /** With AUTH_EXTERNAL_USER_CLAIM: resolves the partner's customer ids to Podero users. */
  externalUsers?: ExternalUsers | undefined;
}

export class CallerIdentity {
  readonly #options: CallerIdentityOptions;
  readonly #known = new WeakMap<Request, Promise<Caller>>();

  constructor(options: CallerIdentityOptions) {
    if (options.auth && !options.verify) throw new TypeError('CallerIdentity: caller authentication needs a token verifier');
    this.#options = options;
  }

  get required(): boolean {
    return this.#options.auth !== undefined;
  }

  /** The request's caller; rejects with an AuthenticationError. Decided once per request. */
  of(request: Request, address: string | undefined): Promise<Caller> {
    // Without caller authentication every caller is the organization: nothing to decide, or to remember
    // per request (a WeakMap entry per request is work for every garbage collection while it lives).
    if (!this.#options.auth) return Promise.resolve({ kind: 'organization', address });
    let caller = this.#known.get(request);
    if (!caller) {
      caller = this.#identify(request, address);
      this.#known.set(request, caller);
    }
    return caller;
  }

  async #identify(request: Request, address: string | undefined): Promise<Caller> {
    const { auth, verify, externalUsers } = this.#options;
    if (!auth || !verify) return { kind: 'organization', address };
    const header = request.headers.get('authorization') ?? '';
    const token = header.length <= MAX_TOKEN_CHARS ? BEARER.exec(header)?.[1] : undefined;
    if (!token) throw new AuthenticationError('invalid', header === '' ? 'no Authorization header' : 'not a bearer token');
    const payload = await verify(token);
    // Checked here too, not only by the verifier: a verifier passed in (tests, another provider) may not.
    const subject = subjectOf(payload);
    const role = roleOf(claim(payload, auth.roleClaim));
    const userId = auth.externalUserClaim ? await this.#externalUser(claim(payload, auth.externalUserClaim), externalUsers) : poderoUser(claim(payload, auth.userClaim));
    // `exp` is required by the verifier: a subscription's stream ends when it passes (src/live/live-devices.ts).
    const expiresAt = Number(payload.exp) * 1000;
    return role === 'user' ? { kind: 'end-user', subject, userId, expiresAt } : { kind: 'staff', subject, role, userId, expiresAt };
  }

  async #externalUser(value: unknown, externalUsers: ExternalUsers | undefined): Promise<string | null> {
    if (value === undefined || value === null) return null;
    if (typeof value !== 'string' || value === '' || value.length > 255 || !externalUsers) throw new AuthenticationError('invalid', 'malformed external user claim');
    return externalUsers.userId(value);
  }
}

export interface CallerIdentitySettings extends TokenVerifierOptions {
  auth: CallerAuth | undefined;
  /** Where external user ids are looked up (with AUTH_EXTERNAL_USER_CLAIM). */
  api: PartnerApi;
  orgId: string | undefined;
  logger: Logger;
}

/** The gateway's CallerIdentity, as the configuration describes it. */
export function callerIdentity({ auth, api, orgId, logger, ...verifierOptions }: CallerIdentitySettings): CallerIdentity {
  if (!auth) return new CallerIdentity({ auth: undefined });
  if (auth.externalUserClaim && !orgId) throw new TypeError('AUTH_EXTERNAL_USER_CLAIM needs PODERO_ORG_ID: external ids are looked up in that organization');
  return new CallerIdentity({
    auth,
    verify: createTokenVerifier(auth, verifierOptions),
    externalUsers: auth.externalUserClaim && orgId ? new ExternalUsers({ api, orgId, logger }) : undefined,
  });
}

/** The Podero user id claim: absent is allowed (staff), anything but a UUID is a malformed token. */
function poderoUser(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (!isUuid(value)) throw new AuthenticationError('invalid', 'malformed user claim');
  return value.toLowerCase();
}

/** The peer address of the HTTP connection, from the server context node:http gives yoga (`req`). */
export function clientAddress(serverContext: unknown): string | undefined {
  const req = (serverContext as { req?: { socket?: { remoteAddress?: string } } } | null)?.req;
  return req?.socket?.remoteAddress;
}
