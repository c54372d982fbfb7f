import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger };

// Belt and braces: no code path logs a credential on purpose, and a value under any of these keys is
// censored should one ever be passed in by mistake (a header object, an options bag), at any depth up
// to MAX_DEPTH. This replaces pino's `redact` option: its wildcard paths clone every line they look at
// (~12 µs and a few KB of garbage per line); the access log writes one line per request, and this scan
// (~1 µs) copies nothing unless it finds something to censor.
const SECRET_KEYS = new Set(['authorization', 'accesstoken', 'access_token', 'clientsecret', 'client_secret', 'secret', 'password', 'refreshtoken', 'refresh_token']);
const MAX_DEPTH = 4;
const CENSORED = '[redacted]';

/** `value` with every secret-named key censored; the same object when there is none. */
export function censorSecrets<T>(value: T, depth = 0): T {
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH || value instanceof Error) return value;
  let copy: Record<string, unknown> | unknown[] | undefined;
  for (const key in value) {
    const field = (value as Record<string, unknown>)[key];
    const censored = SECRET_KEYS.has(key.toLowerCase()) ? CENSORED : censorSecrets(field, depth + 1);
    if (censored === field) continue;
    copy ??= Array.isArray(value) ? [...(value as unknown[])] : { ...(value as Record<string, unknown>) };
    (copy as Record<string, unknown>)[key] = censored;
  }
  return (copy as T | undefined) ?? value;
}

export interface LoggerOptions {
  /** Fields added to every line, e.g. the active trace and span ids when tracing is on. */
  mixin?: () => object | undefined;
}

/**
 * The process's logger. Without a destination it writes to stdout asynchronously (pino.destination
 * with sync: false): while one write(2) is under way the next lines gather behind it and go out
 * together, so a busy gateway makes a write per batch, not per line, and a quiet one writes each line
 * at once. pino flushes what is left when the process exits.
 */
export function createLogger(level: string, destination?: DestinationStream, { mixin }: LoggerOptions = {}): Logger {
  return pino(
    {
      level,
      base: undefined,
      formatters: { log: (object) => censorSecrets(object) },
      ...(mixin ? { mixin: () => mixin() ?? {} } : {}),
    },
    destination ?? pino.destination({ dest: 1, sync: false }),
  );
}
