// A result as yoga writes it on the wire, for the subscription transports that write their own bytes
// (src/live/sse.ts, src/plugins/use-multipart-subscriptions.ts).
import type { ExecutionResult, GraphQLError, GraphQLFormattedError } from 'graphql';

export type SerialisableResult = ExecutionResult & { stringify?: (result: ExecutionResult) => string };

/**
 * As yoga serialises a result (jsonStringifyResultWithoutInternals in graphql-yoga's
 * plugins/result-processor/stringify.js, which it does not export): the result's own `stringify` if a
 * plugin gave it one (a compiled query's serialiser), and without yoga's internal `http` and
 * `unexpected` extensions.
 */
export function stringifyResult(result: SerialisableResult): string {
  const stringify = result.stringify ?? JSON.stringify;
  const { errors, extensions } = result;
  if (!errors?.length && !extensions?.['http']) return stringify(result);
  const clean: ExecutionResult = { ...result };
  if (errors) (clean as { errors: unknown }).errors = errors.map(formatError);
  if (extensions) {
    const { http: _http, ...rest } = extensions;
    clean.extensions = Object.keys(rest).length ? rest : undefined;
  }
  return stringify(clean);
}

export function formatError(error: GraphQLError): GraphQLFormattedError {
  // A plugin may have put a plain object here; yoga passes those on as they are, and so does this.
  const formatted: GraphQLFormattedError = typeof error.toJSON === 'function' ? error.toJSON() : error;
  if (!formatted.extensions) return formatted;
  const { http: _http, unexpected: _unexpected, ...extensions } = formatted.extensions;
  const { extensions: _all, ...rest } = formatted;
  return Object.keys(extensions).length ? { ...rest, extensions } : rest;
}
