import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { maskedErrors } from '../../src/plugins/use-error-codes.js';

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

describe('upstream errors', () => {
  it('are coded in place: code, fields and upstream status, the located error itself (no second location scan)', async () => {
    const { UpstreamError } = await import('../../src/upstream/errors.js');
    const upstream = new UpstreamError('NOT_FOUND', 'The partner API has no wallbox x', { status: 404, detail: 'Not Found' });
    const located = new GraphQLError(upstream.message, { path: ['wallbox'], originalError: upstream });
    const coded = mask(located);
    expect(coded).toBe(located);
    expect(coded.extensions).toEqual({ code: 'NOT_FOUND', upstream: { status: 404, detail: 'Not Found' } });
  });
});
