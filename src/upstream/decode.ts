// Tolerant reading of upstream JSON. The partner API's schema is evolving (fields differ between snapshots of its docs): fields come and
// go between snapshots, enums gain values. So: unknown fields are ignored; a missing optional field is
// null; an optional field of the wrong type is null and reported; only a missing *required* field
// fails the record, because the GraphQL field it feeds cannot be null.
import { UpstreamError } from './errors.js';
import { isUuid } from './paths.js';

/** Reports something upstream sent that the gateway does not understand (logged once per kind). */
export type ReportUnknown = (what: string, value: unknown) => void;

/** Upstream's (Go/Django zero-time) way of saying "never"; read as null. */
const NEVER = /^0001-01-01T00:00:00(\.0+)?(Z|\+00:00)?$/;

export class Fields {
  readonly #record: Record<string, unknown>;
  readonly #where: string;
  readonly #report: ReportUnknown;

  private constructor(record: Record<string, unknown>, where: string, report: ReportUnknown) {
    this.#record = record;
    this.#where = where;
    this.#report = report;
  }

  /** Reads a JSON object; anything else is not the body the API documents. */
  static of(value: unknown, where: string, report: ReportUnknown): Fields {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new UpstreamError('UPSTREAM_ERROR', `The partner API answered with a ${where} that is not a JSON object`);
    }
    return new Fields(value as Record<string, unknown>, where, report);
  }

  /** Whether upstream sent a value (not null) for the field. */
  present(name: string): boolean {
    return this.#record[name] !== undefined && this.#record[name] !== null;
  }

  // Each reader looks at the raw value once, with no closure or message built unless the value is
  // unusable: a wallbox is ~55 fields, read on every request that names one.

  string(name: string): string | null {
    const raw = this.#record[name];
    if (raw === undefined || raw === null) return null;
    return typeof raw === 'string' ? raw : this.#unusable(name, 'string', raw);
  }

  /** Text upstream may also send as a number (a postcode documented as an integer): served as text. */
  text(name: string): string | null {
    const raw = this.#record[name];
    if (typeof raw === 'number' && Number.isFinite(raw)) return String(raw);
    return this.string(name);
  }

  int(name: string): number | null {
    const raw = this.#record[name];
    if (raw === undefined || raw === null) return null;
    return typeof raw === 'number' && Number.isSafeInteger(raw) ? raw : this.#unusable(name, 'integer', raw);
  }

  number(name: string): number | null {
    const raw = this.#record[name];
    if (raw === undefined || raw === null) return null;
    return typeof raw === 'number' && Number.isFinite(raw) ? raw : this.#unusable(name, 'number', raw);
  }

  boolean(name: string): boolean | null {
    const raw = this.#record[name];
    if (raw === undefined || raw === null) return null;
    return typeof raw === 'boolean' ? raw : this.#unusable(name, 'boolean', raw);
  }

  uuid(name: string): string | null {
    const raw = this.#record[name];
    if (raw === undefined || raw === null) return null;
    return isUuid(raw) ? raw.toLowerCase() : this.#unusable(name, 'uuid', raw);
  }

  /** An RFC 3339 date-time; upstream's zero time ("never") is null. */
  dateTime(name: string): Date | null {
    const raw = this.#record[name];
    if (raw === undefined || raw === null) return null;
    if (typeof raw !== 'string') return this.#unusable(name, 'date-time', raw);
    // The zero time starts with year 0001; no real timestamp does.
    if (raw.startsWith('0001-') && NEVER.test(raw)) return null;
    const date = new Date(raw);
    return Number.isNaN(date.getTime()) ? this.#unusable(name, 'date-time', raw) : date;
  }

  /** One of the documented values; a value added upstream later is reported and read as null. */
  oneOf<T extends string>(name: string, values: readonly T[]): T | null {
    const raw = this.#record[name];
    if (raw === undefined || raw === null) return null;
    return values.includes(raw as T) ? (raw as T) : this.#unusable(name, values.join('|'), raw);
  }

  object(name: string): Fields | null {
    const raw = this.#record[name];
    if (raw === undefined || raw === null) return null;
    if (typeof raw !== 'object' || Array.isArray(raw)) return this.#unusable(name, 'object', raw);
    return new Fields(raw as Record<string, unknown>, `${this.#where}.${name}`, this.#report);
  }

  array(name: string): unknown[] | null {
    const raw = this.#record[name];
    if (raw === undefined || raw === null) return null;
    return Array.isArray(raw) ? (raw as unknown[]) : this.#unusable(name, 'array', raw);
  }

  /** An array of objects; an item that is not an object is reported and skipped. */
  objects(name: string): Fields[] {
    const items = this.array(name) ?? [];
    const result: Fields[] = [];
    items.forEach((item, index) => {
      const where = `${this.#where}.${name}[${index}]`;
      if (item === null || typeof item !== 'object' || Array.isArray(item)) this.#report(`${where} (expected object)`, item);
      else result.push(new Fields(item as Record<string, unknown>, where, this.#report));
    });
    return result;
  }

  /**
   * A field of a non-nullable type with a documented default: the default when upstream leaves it out
   * (or sends null); a value of the wrong type fails the record, since any answer would be made up.
   */
  orDefault<T>(value: T | null, name: string, fallback: T): T {
    return this.present(name) ? this.required(value, name) : fallback;
  }

  /** A value the API documents as required: without it the record cannot be served. */
  required<T>(value: T | null, name: string): T {
    if (value === null) {
      throw new UpstreamError('UPSTREAM_ERROR', `The partner API answered with a ${this.#where} without a valid ${name}`);
    }
    return value;
  }

  /** Reports a value of `name` that is well-formed but not understood (e.g. an unknown action code). */
  report(name: string, value: unknown): void {
    this.#report(`${this.#where}.${name}`, value);
  }

  /** A value of the wrong type or form: reported, and read as null. */
  #unusable(name: string, expected: string, raw: unknown): null {
    this.#report(`${this.#where}.${name} (expected ${expected})`, raw);
    return null;
  }
}

/**
 * One of upstream's lists: a bare JSON array with no paging, named `<noun>s` in reports. One item that
 * does not decode must not hide every other: it is left out, and reported.
 */
export function decodeList<T>(body: unknown, noun: string, report: ReportUnknown, decode: (item: unknown, where: string) => T): T[] {
  if (!Array.isArray(body)) throw new UpstreamError('UPSTREAM_ERROR', `The partner API answered the ${noun} list with something other than a JSON array`);
  const items: T[] = [];
  for (const [index, item] of body.entries()) {
    const where = `${noun}s[${index}]`;
    try {
      items.push(decode(item, where));
    } catch (error) {
      report(`${where} (left out)`, error instanceof Error ? error.message : 'unreadable');
    }
  }
  return items;
}
