import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { boundedMessage, maskedErrors } from '../../src/plugins/use-error-codes.js';

const mask = (error: unknown) => {
  if (typeof maskedErrors !== 'object' || !maskedErrors.maskError) throw new Error('no maskError');
  return maskedErrors.maskError(error, 'Unexpected error.', false) as GraphQLError;
};

describe('maskedErrors', () => {
  it('masks an unexpected error: generic message, INTERNAL_SERVER_ERROR, nothing of the original', () => {
    const original = new TypeError('Cannot read properties of undefined (token=abc123)');
    const located = new GraphQLError(original.message, { path: ['wallbox'], originalError: original });
    const masked = mask(located);
    expect(masked.message).toBe('Unexpected error.');
    expect(masked.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR', unexpected: true });
    expect(masked.path).toEqual(['wallbox']);
    expect(JSON.stringify(masked.toJSON())).not.toContain('abc123');
  });

  it('keeps an expected error as it is', () => {
    const expected = new GraphQLError('Pass orgId', { extensions: { code: 'BAD_USER_INPUT' } });
    expect(mask(expected)).toBe(expected);
  });

  it('gives a code to an error that has none: BAD_REQUEST for a 4xx request error, INTERNAL_SERVER_ERROR otherwise', () => {
    expect(mask(new GraphQLError('Must provide query string.', { extensions: { http: { status: 400 } } })).extensions.code).toBe('BAD_REQUEST');
    expect(mask(new GraphQLError('Cannot return null for non-nullable field Wallbox.id.')).extensions.code).toBe('INTERNAL_SERVER_ERROR');
  });
});

describe('errors from below the GraphQL layer (upstream, caller)', () => {
  it('an UpstreamError is coded in place: code, fields and upstream status, the located error itself (no second location scan)', async () => {
    const { UpstreamError } = await import('../../src/upstream/errors.js');
    const upstream = new UpstreamError('NOT_FOUND', 'The partner API has no wallbox x', { status: 404, detail: 'Not Found' });
    const located = new GraphQLError(upstream.message, { path: ['wallbox'], originalError: upstream });
    const coded = mask(located);
    expect(coded).toBe(located);
    expect(coded.extensions).toEqual({ code: 'NOT_FOUND', upstream: { status: 404, detail: 'Not Found' } });
  });

  it('a CallerError is coded the same way: code and retryAfter, no upstream status', async () => {
    const { CallerError } = await import('../../src/caller/errors.js');
    const spent = new CallerError('RATE_LIMITED', 'Your budget of partner API calls is spent for now; try again in 12 s', { retryAfterS: 12 });
    const located = new GraphQLError(spent.message, { path: ['wallbox'], originalError: spent });
    expect(mask(located).extensions).toEqual({ code: 'RATE_LIMITED', retryAfter: 12 });
  });
});

describe('messages as the caller sees them (boundedMessage)', () => {
  const hint = 'Did you mean ';
  it('cuts quoted values to 64 characters and tells their length', () => {
    expect(boundedMessage(`Unknown field "${'x'.repeat(1000)}".`, false)).toBe(`Unknown field "${'x'.repeat(64)}…" (1000 characters).`);
    expect(boundedMessage('Unknown field "short".', false)).toBe('Unknown field "short".');
    expect(boundedMessage('Escaped "a\\"b" kept', false)).toBe('Escaped "a\\"b" kept');
  });

  it('cuts an unquoted run of caller text (an object key, an unquoted literal) to 64 characters', () => {
    expect(boundedMessage(`found { ${'k'.repeat(5000)}: 1 }`, false)).toBe(`found { ${'k'.repeat(64)}… 1 }`);
  });

  it('drops "Did you mean" hints outside development, and keeps them in development', () => {
    const message = 'Cannot query field "walbox" on type "Query". Did you mean "wallbox" or "inverter"?';
    expect(boundedMessage(message, false)).toBe('Cannot query field "walbox" on type "Query".');
    expect(boundedMessage(message, true)).toBe(message);
  });

  it('is linear in a crafted message: 250 KB of repeated hints, quoted, unquoted and without a "?"', () => {
    const many = hint.repeat(20_000); // 260,000 characters
    for (const message of [`Value "${many}" is bad`, `Value ${many}`, `Expected UUID, found ${many.replaceAll(' ', '')}`, `${many}?`, `"${'\\"'.repeat(100_000)}`]) {
      for (const development of [false, true]) {
        const bounded = boundedMessage(message, development);
        expect(bounded.length).toBeLessThanOrEqual(1001);
      }
    }
    // A message made of nothing but hints and one "?" at its end is a single hint: removed whole.
    expect(boundedMessage(`Bad.${` ${hint}x`.repeat(50_000)}?`, false)).toBe('Bad.');
  });

  it('caps every message at 1000 characters', () => {
    const long = 'word '.repeat(1000);
    const bounded = boundedMessage(long, false);
    expect(bounded).toHaveLength(1001);
    expect(bounded.endsWith('…')).toBe(true);
  });
});
