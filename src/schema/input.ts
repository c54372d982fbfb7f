// Reading what callers send: ids and their defaults, and problems with inputs, all reported as
// BAD_USER_INPUT before any upstream call.
import type { GraphQLError } from 'graphql';
import type { Context } from '../context.js';
import { defaultUserId } from '../caller/caller.js';
import { codedError } from '../graphql-errors.js';
import { notAllowed } from './scope-errors.js';

export interface FieldProblem {
  field: string;
  message: string;
}

/**
 * Collects every problem of one input, then fails once with all of them: BAD_USER_INPUT with
 * `extensions.fields` ([{ field, message }], the same shape upstream's validation messages take).
 * The rules the partner API documents for its write bodies are methods here, checked against the
 * input's `values`; a rule skips a field the input does not set.
 */
export class InputProblems {
  readonly #problems: FieldProblem[] = [];

  constructor(private readonly values: Readonly<Record<string, unknown>> = {}) {}

  add(field: string, message: string): void {
    this.#problems.push({ field, message });
  }

  /** Fields whose value upstream never lacks: an explicit null is not a value they can take. */
  notNull(names: readonly string[]): this {
    for (const name of names) if (name in this.values && this.values[name] === null) this.add(name, 'cannot be null');
    return this;
  }

  /** Text fields and the most characters upstream takes for each. */
  maxLength(limits: Readonly<Record<string, number>>): this {
    for (const [name, max] of Object.entries(limits)) {
      const value = this.values[name];
      if (typeof value === 'string' && value.length > max) this.add(name, `must be at most ${max} characters`);
    }
    return this;
  }

  percent(names: readonly string[]): this {
    for (const name of names) {
      const value = this.values[name];
      if (typeof value === 'number' && (value < 0 || value > 100)) this.add(name, 'must be a percentage from 0 to 100');
    }
    return this;
  }

  notNegative(names: readonly string[]): this {
    for (const name of names) {
      const value = this.values[name];
      if (typeof value === 'number' && value < 0) this.add(name, 'must not be negative');
    }
    return this;
  }

  /** Pairs that must stay ordered, checked when both are in the input (with one, upstream compares with the stored other). */
  ordered(pairs: readonly (readonly [string, string])[]): this {
    const rank = (value: unknown) => (value instanceof Date ? value.getTime() : value);
    for (const [low, high] of pairs) {
      const [a, b] = [rank(this.values[low]), rank(this.values[high])];
      if (typeof a === 'number' && typeof b === 'number' && a > b) this.add(low, `must not be above ${high}`);
    }
    return this;
  }

  /** An update must change something. */
  notEmpty(what: string): this {
    if (Object.keys(this.values).length === 0) this.add('input', `set at least one ${what} to change`);
    return this;
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
  return codedError('BAD_USER_INPUT', `Invalid input: ${summary}`, { fields: problems });
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
  if (ctx.caller.kind === 'end-user') throw notAllowed('Not allowed: no Podero user matches your token');
  return invalidInput(field, 'is required: name the user (only an end user\'s own user is implied)');
}

/** Where an end user is sent back to: an absolute http(s) URL (upstream allows up to 8000 characters). */
export function checkReturnUrl(problems: InputProblems, field: string, value: string | null | undefined): void {
  if (value === null || value === undefined) return;
  if (value.length > 8000 || !URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol)) {
    problems.add(field, 'must be an absolute http(s) URL of at most 8000 characters');
  }
}
