// Who is calling, and what that lets them touch. The rules live here, once; the schema asks them
// (src/schema/scopes.ts), the data layer asks them again before it returns what upstream answered.
//
// The gateway always talks to the partner API with the organization's credentials; a caller's
// identity only decides which of the organization's users they may act on.

export type Caller =
  /** Caller authentication is off: whoever reaches the gateway acts as the organization (as before). */
  | { kind: 'organization'; address: string | undefined }
  /** `admin` or `staff` in the identity provider: acts on every user of the organization. */
  | { kind: 'staff'; subject: string; role: 'admin' | 'staff'; userId: string | null; expiresAt?: number }
  /** Anyone else with a valid token: their own user only. `userId` null: no Podero user matches them. */
  | { kind: 'end-user'; subject: string; userId: string | null; expiresAt?: number };
// `expiresAt`: the token's `exp` in ms since the epoch (absent for a caller without a token).

/** Whether the caller may read and steer this user's data. */
export function mayActOnUser(caller: Caller, userId: string): boolean {
  return caller.kind !== 'end-user' || (caller.userId !== null && caller.userId === userId.toLowerCase());
}

/** The user an operation is about when it names none: an end user's own. */
export function defaultUserId(caller: Caller): string | undefined {
  return caller.kind === 'end-user' ? (caller.userId ?? undefined) : undefined;
}

/**
 * Whose budget of upstream calls a request draws on: the Podero user when known, else the token's
 * subject; without caller authentication, the client address (all callers behind one proxy share it).
 */
export function budgetKey(caller: Caller): string {
  if (caller.kind === 'organization') return `address:${caller.address ?? 'unknown'}`;
  return caller.userId ? `user:${caller.userId}` : `subject:${caller.subject}`;
}

/** What log lines say about the caller: never a token or a claim beyond these. */
export function describeCaller(caller: Caller): Record<string, string> {
  switch (caller.kind) {
    case 'organization':
      return { caller: 'organization' };
    case 'staff':
      return { sub: caller.subject, role: caller.role };
    case 'end-user':
      return { sub: caller.subject, role: 'user' };
  }
}
