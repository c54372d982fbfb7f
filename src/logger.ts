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
 * The process's logger. Without a destination it writes to stdout (stdoutLines below); tests pass one
 * of their own.
 */
export function createLogger(level: string, destination?: DestinationStream, { mixin }: LoggerOptions = {}): Logger {
  return pino(
    {
      level,
      base: undefined,
      formatters: { log: (object) => censorSecrets(object) },
      ...(mixin ? { mixin: () => mixin() ?? {} } : {}),
    },
    destination ?? (stdout ??= stdoutLines()),
  );
}

// What a stdout nobody reads (a paused pager, a hung log shipper) may hold before log lines are dropped:
// the reader's stall costs bounded memory, never the process.
const MAX_UNWRITTEN_BYTES = 8 * 1024 * 1024;

let stdout: DestinationStream | undefined;
let stdoutFailed = false;

/**
 * Makes a broken stdout harmless: a write to a pipe whose reader has gone (`npm start | head`: EPIPE),
 * a closed descriptor (EBADF) or a full disk fails with an 'error' event, and an 'error' event nobody
 * listens to is thrown (https://nodejs.org/api/events.html#error-events), ending the process. Here the
 * first failure is noted once on stderr, and from then on what goes to stdout is dropped. A broken
 * stderr is ignored: there is nowhere left to say so. For every entry point (the gateway's logger and
 * banner, the standalone simulator's banner); calling it again changes nothing.
 */
export function guardStdio(): void {
  if (process.stdout.listeners('error').includes(onStdoutError)) return;
  process.stderr.on('error', () => {});
  process.stdout.on('error', onStdoutError);
}

function onStdoutError(error: NodeJS.ErrnoException): void {
  if (stdoutFailed) return;
  stdoutFailed = true;
  process.stderr.write(`stdout failed (${error.code ?? error.message}): log lines and other output to stdout are dropped from now on\n`);
}

/**
 * Log lines to process.stdout (so they keep their order with the banner), on terms that can neither
 * crash nor stall the process. A pipe's stdout never blocks: Node opens it through libuv, which makes
 * it non-blocking (https://docs.libuv.org/en/v1.x/pipe.html#c.uv_pipe_open), and queues what the reader
 * has not taken yet; beyond MAX_UNWRITTEN_BYTES lines are dropped (with one note), so a reader that
 * stalls cannot grow memory without end. Lines logged in one turn of the event loop are corked and go
 * out together: a write(2) per batch, not per line, on a busy gateway
 * (https://nodejs.org/api/stream.html#writablecork). At exit the last batch is handed over at once:
 * written if the pipe has room, never waited for. pino's own destination (sonic-boom) flushes at exit
 * in a loop that retries a full pipe for ever and, on a broken one, never stops either: a SIGTERM then
 * left a process that never exited.
 */
function stdoutLines(): DestinationStream {
  guardStdio();
  const out = process.stdout;
  let corked = false;
  let droppingNoted = false;
  const uncork = () => {
    if (!corked) return;
    corked = false;
    out.uncork();
  };
  process.on('exit', uncork);
  return {
    write(line: string) {
      if (stdoutFailed || out.destroyed) return;
      if (out.writableLength > MAX_UNWRITTEN_BYTES) {
        if (!droppingNoted) process.stderr.write(`stdout is not being read: log lines are dropped while more than ${MAX_UNWRITTEN_BYTES} bytes wait\n`);
        droppingNoted = true;
        return;
      }
      if (!corked) {
        corked = true;
        out.cork();
        setImmediate(uncork);
      }
      out.write(line);
    },
  };
}
