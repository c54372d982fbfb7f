import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger };

// Belt and braces: no code path logs a credential on purpose, and these paths are censored should
// one ever be passed in by mistake (a header object, an options bag).
const REDACT = [
  'authorization',
  '*.authorization',
  '*.*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'accessToken',
  '*.accessToken',
  'clientSecret',
  '*.clientSecret',
  'access_token',
  '*.access_token',
  'secret',
  '*.secret',
];

export interface LoggerOptions {
  /** Fields added to every line, e.g. the active trace and span ids when tracing is on. */
  mixin?: () => object | undefined;
}

export function createLogger(level: string, destination?: DestinationStream, { mixin }: LoggerOptions = {}): Logger {
  return pino(
    { level, base: undefined, redact: { paths: REDACT, censor: '[redacted]' }, ...(mixin ? { mixin: () => mixin() ?? {} } : {}) },
    destination,
  );
}
