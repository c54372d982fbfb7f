// Caller authentication at the door: with AUTH_JWKS_URL set, a GraphQL request without a valid bearer
// token gets HTTP 401 before anything else happens to it — no parsing, no validation (whose errors
// would describe the schema), no upstream call. Every failure gets the same answer; which check failed
// (expired, wrong audience, unknown key, ...) is logged at debug, never told to the caller.
//
// One exception, AUTH_PUBLIC_SERVICE_SDL (on by default): an operation that selects only
// `_service { sdl }`, which composition tools (rover, a router's managed federation) fetch without a user.
// The GraphiQL page itself is not a GraphQL request (use-graphiql.ts answers it before this runs).
import { Kind, OperationTypeNode, parse, type GraphQLError, type SelectionNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Logger } from '../logger.js';
import { clientAddress, type CallerIdentity } from '../caller/identify.js';
import { AuthenticationError } from '../caller/token.js';
import { refusal } from '../graphql-errors.js';

export interface CallerAuthOptions {
  identity: CallerIdentity;
  publicServiceSdl: boolean;
  logger: Logger;
}

const REALM = 'Bearer realm="podero-graphql-gateway"';

export function useCallerAuth({ identity, publicServiceSdl, logger }: CallerAuthOptions): Plugin {
  if (!identity.required) return {};
  return {
    async onParams({ request, params, context }) {
      try {
        await identity.of(request, clientAddress(context));
      } catch (error) {
        if (!(error instanceof AuthenticationError)) throw error;
        if (error.reason === 'invalid' && publicServiceSdl && selectsOnlyServiceSdl(params.query)) return;
        logger.debug({ reason: error.message }, 'request refused: caller not authenticated');
        // Thrown, not set as the result: a result set here would still let the later onParams hooks
        // (persisted documents, the limits) run and answer in its place, telling an unauthenticated
        // caller what the gateway holds or how it reads documents.
        throw error.reason === 'unavailable' ? unavailable() : unauthenticated(request.headers.has('authorization'));
      }
    },
  };
}

function unauthenticated(tokenSent: boolean): GraphQLError {
  // RFC 6750 §3: `error="invalid_token"` when a token was sent; nothing more specific.
  const challenge = tokenSent ? `${REALM}, error="invalid_token"` : REALM;
  return refusal('UNAUTHENTICATED', 'Authentication required: send a valid bearer token from your identity provider', { headers: { 'WWW-Authenticate': challenge } });
}

function unavailable(): GraphQLError {
  return refusal('AUTHENTICATION_UNAVAILABLE', 'Callers cannot be authenticated right now (the identity provider is out of reach); try again shortly', {
    headers: { 'Retry-After': '5' },
  });
}

/** `{ _service { sdl } }`, optionally named and with `__typename`s: nothing else, no variables or directives. */
function selectsOnlyServiceSdl(query: unknown): boolean {
  if (typeof query !== 'string' || query.length > 1000) return false;
  let document;
  try {
    document = parse(query, { maxTokens: 50, noLocation: true });
  } catch {
    return false;
  }
  const [operation, ...rest] = document.definitions;
  if (rest.length > 0 || operation?.kind !== Kind.OPERATION_DEFINITION || operation.operation !== OperationTypeNode.QUERY) return false;
  if (operation.directives?.length || operation.variableDefinitions?.length) return false;
  const plain = (s: SelectionNode) => s.kind === Kind.FIELD && !s.directives?.length && !s.arguments?.length;
  const typename = (s: SelectionNode) => plain(s) && s.kind === Kind.FIELD && s.name.value === '__typename' && !s.selectionSet;
  const service = (s: SelectionNode) =>
    plain(s) &&
    s.kind === Kind.FIELD &&
    s.name.value === '_service' &&
    (s.selectionSet?.selections.every((inner) => typename(inner) || (plain(inner) && inner.kind === Kind.FIELD && inner.name.value === 'sdl' && !inner.selectionSet)) ?? false);
  const selections = operation.selectionSet.selections;
  return selections.some(service) && selections.every((s) => service(s) || typename(s));
}
