// The logger's safety net: a secret passed to a log call by mistake is censored wherever it sits, and a
// line with nothing to censor is written as it is (the scan copies nothing then).
import { describe, expect, it } from 'vitest';
import { censorSecrets, createLogger } from '../../src/logger.js';

describe('censorSecrets', () => {
  it('censors secret-named keys at any depth the net reaches, whatever their case', () => {
    const input = {
      headers: { Authorization: 'Bearer t0ken', accept: 'application/json' },
      options: { credentials: { clientSecret: 's3cret', client_secret: 's3cret', refresh_token: 'r' } },
      list: [{ access_token: 'a' }],
      ok: 1,
    };
    expect(censorSecrets(input)).toEqual({
      headers: { Authorization: '[redacted]', accept: 'application/json' },
      options: { credentials: { clientSecret: '[redacted]', client_secret: '[redacted]', refresh_token: '[redacted]' } },
      list: [{ access_token: '[redacted]' }],
      ok: 1,
    });
    // The caller's object is left alone: only the logged copy is censored.
    expect(input.headers.Authorization).toBe('Bearer t0ken');
  });

  it('returns the very object when there is nothing to censor', () => {
    const line = { method: 'POST', status: 200, nested: { a: [1, 2], b: { c: 'x' } } };
    expect(censorSecrets(line)).toBe(line);
  });

  it('stops at a bounded depth and leaves errors to the error serializer', () => {
    let deep: Record<string, unknown> = { secret: 'deep' };
    for (let i = 0; i < 100; i++) deep = { next: deep };
    expect(() => censorSecrets(deep)).not.toThrow();
    const error = new Error('boom');
    expect(censorSecrets({ err: error }).err).toBe(error);
  });
});

it('writes lines with secrets censored', () => {
  const lines: string[] = [];
  const logger = createLogger('info', { write: (line: string) => void lines.push(line) });
  logger.child({ caller: 'organization' }).info({ headers: { authorization: 'Bearer t0ken' }, status: 200 }, 'request');
  expect(lines).toHaveLength(1);
  expect(lines[0]).not.toContain('t0ken');
  expect(JSON.parse(lines[0]!)).toMatchObject({ caller: 'organization', headers: { authorization: '[redacted]' }, status: 200, msg: 'request' });
});
