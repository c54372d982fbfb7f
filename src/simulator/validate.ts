// Request validation as pydantic (behind django-ninja) reports it: every problem becomes one item of a
// 422's `detail`, located by ["body", field] or ["query", name] and typed with pydantic's error type, so
// a client sees the same shape from the simulator as from upstream. Types are strict JSON types: the
// simulator does not coerce "50" into 50, so a client that relies on coercion is caught here.
import { UUID, type Problem } from './http.js';

type Issue = Omit<Problem, 'loc'>;
/** What is wrong with one present value, if anything (null counts as a value of the wrong type). */
export type Check = (value: unknown) => Issue | undefined;

export interface FieldRule {
  check: Check;
  required?: boolean;
  nullable?: boolean;
  /** The stored form of a valid value (e.g. a date-time in UTC). */
  normalize?: (value: unknown) => unknown;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/**
 * The fields of `body` that `rules` knows, normalized, and every problem with them. Fields without a
 * rule are dropped, as pydantic ignores extra fields by default. An absent body reads as `{}`.
 */
export function validateBody(body: unknown, rules: Record<string, FieldRule>): { values: Record<string, unknown>; problems: Problem[] } {
  const input = body ?? {};
  if (typeof input !== 'object' || Array.isArray(input)) {
    return { values: {}, problems: [{ type: 'model_attributes_type', loc: ['body'], msg: 'Input should be a valid dictionary or object to extract fields from' }] };
  }
  const values: Record<string, unknown> = {};
  const problems: Problem[] = [];
  for (const [field, rule] of Object.entries(rules)) {
    if (!Object.hasOwn(input, field)) {
      if (rule.required) problems.push({ type: 'missing', loc: ['body', field], msg: 'Field required' });
      continue;
    }
    const value = (input as Record<string, unknown>)[field];
    const issue = value === null && rule.nullable ? undefined : rule.check(value);
    if (issue) problems.push({ ...issue, loc: ['body', field] });
    else values[field] = value === null || !rule.normalize ? value : rule.normalize(value);
  }
  return { values, problems };
}

/** A required query parameter; a missing one is pydantic's `missing` at ["query", name]. */
export function requiredQuery(query: URLSearchParams, name: string): { value: string | undefined; problems: Problem[] } {
  const value = query.get(name);
  return value === null ? { value: undefined, problems: [{ type: 'missing', loc: ['query', name], msg: 'Field required' }] } : { value, problems: [] };
}

export function integer(bounds: { gt?: number; ge?: number; le?: number } = {}): Check {
  return (value) => {
    if (typeof value !== 'number' || !Number.isFinite(value)) return { type: 'int_type', msg: 'Input should be a valid integer' };
    if (!Number.isInteger(value)) return { type: 'int_from_float', msg: 'Input should be a valid integer, got a number with a fractional part' };
    if (bounds.gt !== undefined && !(value > bounds.gt)) return { type: 'greater_than', msg: `Input should be greater than ${bounds.gt}` };
    if (bounds.ge !== undefined && value < bounds.ge) return { type: 'greater_than_equal', msg: `Input should be greater than or equal to ${bounds.ge}` };
    if (bounds.le !== undefined && value > bounds.le) return { type: 'less_than_equal', msg: `Input should be less than or equal to ${bounds.le}` };
    return undefined;
  };
}

export const boolean: Check = (value) => (typeof value === 'boolean' ? undefined : { type: 'bool_type', msg: 'Input should be a valid boolean' });

export function string(maxLength?: number): Check {
  return (value) => {
    if (typeof value !== 'string') return { type: 'string_type', msg: 'Input should be a valid string' };
    if (maxLength !== undefined && value.length > maxLength) return { type: 'string_too_long', msg: `String should have at most ${maxLength} characters` };
    return undefined;
  };
}

/** An RFC 3339 date-time with a time zone (upstream stores aware date-times). */
export const dateTime: Check = (value) => {
  if (typeof value !== 'string') return { type: 'datetime_type', msg: 'Input should be a valid datetime' };
  if (!RFC3339.test(value) || Number.isNaN(Date.parse(value))) {
    return { type: 'datetime_parsing', msg: 'Input should be a valid datetime, expected an RFC 3339 date-time with a time zone' };
  }
  return undefined;
};

export const uuid: Check = (value) => {
  if (typeof value !== 'string') return { type: 'uuid_type', msg: 'UUID input should be a string, bytes or UUID object' };
  return UUID.test(value) ? undefined : { type: 'uuid_parsing', msg: 'Input should be a valid UUID' };
};

export function oneOf(allowed: readonly string[]): Check {
  const quoted = allowed.map((v) => `'${v}'`);
  const msg = `Input should be ${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}`;
  return (value) => (typeof value === 'string' && allowed.includes(value) ? undefined : { type: 'enum', msg });
}

export const object: Check = (value) =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? undefined : { type: 'dict_type', msg: 'Input should be a valid dictionary' };

/** Any JSON number (pydantic's float), within the bounds given. */
export function number(bounds: { ge?: number; le?: number } = {}): Check {
  return (value) => {
    if (typeof value !== 'number' || !Number.isFinite(value)) return { type: 'float_type', msg: 'Input should be a valid number' };
    if (bounds.ge !== undefined && value < bounds.ge) return { type: 'greater_than_equal', msg: `Input should be greater than or equal to ${bounds.ge}` };
    if (bounds.le !== undefined && value > bounds.le) return { type: 'less_than_equal', msg: `Input should be less than or equal to ${bounds.le}` };
    return undefined;
  };
}

/** A JSON array whose every item passes `item` (the first bad item is reported). */
export function listOf(item: Check): Check {
  return (value) => {
    if (!Array.isArray(value)) return { type: 'list_type', msg: 'Input should be a valid list' };
    return value.map(item).find((issue) => issue !== undefined);
  };
}

/** A JSON object whose every value passes `item`. */
export function mapOf(item: Check): Check {
  return (value) => object(value) ?? Object.values(value as object).map(item).find((issue) => issue !== undefined);
}

/** Anything at all (for fields the simulator passes through untouched). */
export const anything: Check = () => undefined;

/** A time of day as "HH:MM" (the EV guide writes charge deadlines so: "07:30"). */
export const timeOfDay: Check = (value) => {
  if (typeof value !== 'string') return { type: 'time_type', msg: 'Input should be a valid time' };
  return /^([01]\d|2[0-3]):[0-5]\d$/.test(value) ? undefined : { type: 'time_parsing', msg: 'Input should be a valid time in the format HH:MM' };
};

/** How a query parameter's text becomes a value, or what is wrong with it. */
export type QueryParser<T> = (raw: string) => { value: T } | Issue;

/**
 * A query parameter parsed as pydantic parses one from text: the default when absent (a missing
 * required one is a problem), the parsed value, or the problem at ["query", name].
 */
export function queryParam<T>(query: URLSearchParams, name: string, parse: QueryParser<T>, fallback?: T): { value: T | undefined; problems: Problem[] } {
  const raw = query.get(name);
  if (raw === null) return fallback === undefined ? { value: undefined, problems: requiredQuery(query, name).problems } : { value: fallback, problems: [] };
  const parsed = parse(raw);
  return 'value' in parsed ? { value: parsed.value, problems: [] } : { value: undefined, problems: [{ ...parsed, loc: ['query', name] }] };
}

/** A calendar date, "YYYY-MM-DD". */
export const dateParam: QueryParser<string> = (raw) => {
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(raw) ? Date.parse(`${raw}T00:00:00Z`) : NaN;
  // Date.parse rolls 2026-02-30 over into March: only a date that comes back as written is one.
  const valid = !Number.isNaN(ms) && new Date(ms).toISOString().startsWith(raw);
  return valid ? { value: raw } : { type: 'date_parsing', msg: 'Input should be a valid date in the format YYYY-MM-DD' };
};

/** A whole number within the bounds given. */
export function intParam(bounds: { ge?: number; le?: number } = {}): QueryParser<number> {
  const check = integer(bounds);
  return (raw) => {
    if (!/^[+-]?\d+$/.test(raw.trim())) return { type: 'int_parsing', msg: 'Input should be a valid integer, unable to parse string as an integer' };
    const value = Number(raw);
    return check(value) ?? { value };
  };
}

/** A comma-separated list of values out of `allowed` (e.g. "1DAY,1WEEK"); duplicates count once. */
export function listParam(allowed: readonly string[]): QueryParser<string[]> {
  const check = oneOf(allowed);
  return (raw) => {
    const values = [...new Set(raw.split(',').map((v) => v.trim()))];
    const issue = values.map(check).find((i) => i !== undefined);
    return issue ?? { value: values };
  };
}
