// Ids inside a write's input that name another resource of the write's user — today `buildingId` of
// every device kind's settings and of an onboarding session. The scope check proves only that the
// caller may act on the user the write is about; the ids inside its input are a second question, and
// the partner API documents no check of them (a device PUT's `building_id` is just a UUID:
// https://developers.podero.com/api-reference/user-wallboxes/update-details-of-a-users-wallbox). So before the
// write, each one is read under that user's own path, through the request's loaders: found there, it
// is theirs; a 404 there means it is not, and nothing is written.
//
// A 404 is BAD_USER_INPUT naming the field, not FORBIDDEN: the read cannot tell "another user's" from
// "no such building", and answering those two differently would tell a caller which ids exist for
// someone else. It is also what a staff caller gets: for them this is not a question of permission
// but of correctness (a building of user A on a device of user B is wrong whoever sets it), so the
// check runs in every credential mode, for every caller, at the cost of one GET per id that is set.
// Any other failure of the read (5xx, timeout, spent budget) fails the write with its upstream code:
// an unchecked id is never sent. `null` clears the reference and needs no check.
import type { Context } from '../context.js';
import { UpstreamError } from '../upstream/errors.js';
import type { UserKey } from '../upstream/users.js';
import { InputProblems } from './input.js';

interface Reference {
  /** What the id names, for the error ("names no building of this user"). */
  noun: string;
  /** Reads it under the user's own path; rejects with NOT_FOUND when the user has none by that id. */
  find(ctx: Context, user: UserKey, id: string): Promise<unknown>;
}

/**
 * Every input field that names a resource of the write's user, by its name in the input. A new one
 * (a `chargerId`, say) gets its entry here and a probe in test/integration/caller-scoping.test.ts,
 * whose schema walk fails until it has one.
 */
const REFERENCES = {
  buildingId: { noun: 'building', find: (ctx, user, id) => ctx.loaders.building.load({ orgId: user.orgId, userId: user.userId, id }) },
} satisfies Record<string, Reference>;

export type References = { [Field in keyof typeof REFERENCES]?: string | null | undefined };

/**
 * Fails unless every reference the input sets names a resource of `user`: BAD_USER_INPUT with each
 * field that does not, or the upstream error of a read that failed. Call it after the input's own
 * checks and before the write.
 */
export async function checkReferences(ctx: Context, user: UserKey, input: References): Promise<void> {
  const owner = { orgId: user.orgId, userId: user.userId };
  const problems = new InputProblems();
  await Promise.all(
    Object.entries(REFERENCES).map(async ([field, reference]) => {
      const id = input[field as keyof References];
      if (typeof id !== 'string') return;
      try {
        await reference.find(ctx, owner, id);
      } catch (error) {
        if (!(error instanceof UpstreamError && error.code === 'NOT_FOUND')) throw error;
        problems.add(field, `names no ${reference.noun} of this user`);
      }
    }),
  );
  problems.throwIfAny();
}
