// Tolerant reading of upstream JSON. The partner API's schema is evolving (digest §1): fields come and
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

  string(name: string): string | null {
    return this.#read(name, 'string', (v) => (typeof v === 'string' ? v : undefined));
  }

  int(name: string): number | null {
    return this.#read(name, 'integer', (v) => (typeof v === 'number' && Number.isSafeInteger(v) ? v : undefined));
  }

  number(name: string): number | null {
    return this.#read(name, 'number', (v) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined));
  }

  boolean(name: string): boolean | null {
    return this.#read(name, 'boolean', (v) => (typeof v === 'boolean' ? v : undefined));
  }

  uuid(name: string): string | null {
    return this.#read(name, 'uuid', (v) => (isUuid(v) ? v.toLowerCase() : undefined));
  }

  /** An RFC 3339 date-time; upstream's zero time ("never") is null. */
  dateTime(name: string): Date | null {
    return this.#read(name, 'date-time', (v) => {
      if (typeof v !== 'string') return undefined;
      if (NEVER.test(v)) return null;
      const date = new Date(v);
      return Number.isNaN(date.getTime()) ? undefined : date;
    });
  }

  /** One of the documented values; a value added upstream later is reported and read as null. */
  oneOf<T extends string>(name: string, values: readonly T[]): T | null {
    return this.#read(name, values.join('|'), (v) => (values.includes(v as T) ? (v as T) : undefined));
  }

  object(name: string): Fields | null {
    const value = this.#read(name, 'object', (v) => (typeof v === 'object' && !Array.isArray(v) ? (v as object) : undefined));
    return value === null ? null : new Fields(value as Record<string, unknown>, `${this.#where}.${name}`, this.#report);
  }

  array(name: string): unknown[] | null {
    return this.#read(name, 'array', (v) => (Array.isArray(v) ? (v as unknown[]) : undefined));
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

  /** `parse` returns the value, null for "explicitly none", or undefined when the value is unusable. */
  #read<T>(name: string, expected: string, parse: (value: unknown) => T | null | undefined): T | null {
    const raw = this.#record[name];
    if (raw === undefined || raw === null) return null;
    const value = parse(raw);
    if (value === undefined) {
      this.#report(`${this.#where}.${name} (expected ${expected})`, raw);
      return null;
    }
    return value;
  }
}
