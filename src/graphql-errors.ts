// The GraphQL side of the error catalogue (src/error-codes.ts): every coded GraphQLError the gateway
// makes is made here, with a code the catalogue has (anything else does not compile) and, for a
// request refused as a whole, the catalogue's HTTP status.
//
// Two kinds, because one code can be both (BAD_USER_INPUT refuses a request whose variables are nested
// too deeply, and fails one field whose input is wrong): yoga answers with the highest status any
// error carries, so a field's error must carry none, or the other fields' data would come with a 4xx.
import { GraphQLError, type ASTNode } from 'graphql';
import { statusOf, type ErrorCode, type RefusalCode } from './error-codes.js';

/** An error beside data: a field's, or one a response adds. Its response stays HTTP 200. */
export function codedError(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extensions } });
}

export interface RefusalOptions {
  /** Where HTTP has a closer status than the catalogue's (415 for a content type, 431 for headers). */
  status?: number;
  headers?: Record<string, string>;
  /** The part of the document refused. */
  nodes?: ASTNode;
}

/** A request refused as a whole, before anything ran: its code and the catalogue's HTTP status. */
export function refusal(code: RefusalCode, message: string, { status, headers, nodes }: RefusalOptions = {}): GraphQLError {
  return new GraphQLError(message, { nodes, extensions: { code, http: refusalHttp(code, status, headers) } });
}

/**
 * Adds a code to an error graphql-js or yoga made (a code it has is kept), and with `refuses` the
 * catalogue's status. In place: a copy would make the GraphQLError constructor compute its locations
 * again, scanning the document once more per error.
 */
export function withCode(error: GraphQLError, code: ErrorCode): GraphQLError;
export function withCode(error: GraphQLError, code: RefusalCode, options: { refuses: true }): GraphQLError;
export function withCode(error: GraphQLError, code: ErrorCode, options?: { refuses: true }): GraphQLError {
  const extensions = error.extensions as Record<string, unknown>;
  extensions.code ??= code;
  if (options?.refuses) extensions.http ??= refusalHttp(code as RefusalCode);
  return error;
}

/**
 * `spec: false` keeps yoga from turning a refusal into a 200 for `application/json` clients, as it does
 * with ordinary parse and validation errors (the legacy rule of GraphQL over HTTP's "application/json"
 * section, https://graphql.github.io/graphql-over-http/draft/): a limit or a malformed request is a 4xx
 * for every client.
 */
function refusalHttp(code: RefusalCode, status = statusOf(code), headers?: Record<string, string>) {
  return { status, ...(headers ? { headers } : {}), spec: false };
}
