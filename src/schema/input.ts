// Reading what callers send: ids and their defaults, and problems with inputs, all reported as
// BAD_USER_INPUT before any upstream call.
import { GraphQLError } from 'graphql';
import type { Context } from '../context.js';
import { defaultUserId } from '../caller/caller.js';

export interface FieldProblem {
  field: string;
  message: string;
}

/**
 * Collects every problem of one input, then fails once with all of them: BAD_USER_INPUT with
 * `extensions.fields` ([{ field, message }], the same shape upstream's validation messages take).
 */
export class InputProblems {
  readonly #problems: FieldProblem[] = [];

  add(field: string, message: string): void {
    this.#problems.push({ field, message });
  }

  throwIfAny(): void {
    if (this.#problems.length > 0) throw inputError(this.#problems);
  }
}

/** One problem, thrown at once. */
export function invalidInput(field: string, message: string): never {
  throw inputError([{ field, message }]);
}

function inputError(problems: FieldProblem[]): GraphQLError {
  const summary = problems.map((p) => `${p.field}: ${p.message}`).join('; ');
  return new GraphQLError(`Invalid input: ${summary}`, { extensions: { code: 'BAD_USER_INPUT', fields: problems } });
}

/** `orgId` falls back to PODERO_ORG_ID; with neither there is nothing to ask upstream. */
export function orgIdOf(orgId: string | null | undefined, ctx: Context): string {
  const resolved = orgId ?? ctx.defaultOrgId;
  if (!resolved) invalidInput('orgId', 'is required: no default organization is configured (PODERO_ORG_ID)');
  return resolved;
}

/**
 * `userId` falls back to the caller's own user for an end user; staff, admins and unauthenticated
 * callers name the user. An end user no Podero user matches has no data to act on.
 */
export function userIdOf(userId: string | null | undefined, ctx: Context, field = 'userId'): string {
  const resolved = userId ?? defaultUserId(ctx.caller);
  if (resolved) return resolved;
  if (ctx.caller.kind === 'end-user') throw new GraphQLError('Not allowed: no Podero user matches your token', { extensions: { code: 'FORBIDDEN' } });
  return invalidInput(field, 'is required: name the user (only an end user\'s own user is implied)');
}

/** Where an end user is sent back to: an absolute http(s) URL (upstream allows up to 8000 characters). */
export function checkReturnUrl(problems: InputProblems, field: string, value: string | null | undefined): void {
  if (value === null || value === undefined) return;
  if (value.length > 8000 || !URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol)) {
    problems.add(field, 'must be an absolute http(s) URL of at most 8000 characters');
  }
}
