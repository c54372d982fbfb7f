// The coded errors the gateway's plugins raise for requests they refuse before anything runs.
import { GraphQLError } from 'graphql';

/**
 * A refused request: its code, and the HTTP status to answer with. `spec: false` keeps yoga from
 * turning it into a 200 for `application/json` clients, as it does with ordinary parse and validation
 * errors (GraphQL-over-HTTP's legacy rule): a limit or a malformed request is a 4xx for every client.
 */
export function requestError(code: string, message: string, status = 400): GraphQLError {
  return new GraphQLError(message, { extensions: { code, http: { status, spec: false } } });
}
