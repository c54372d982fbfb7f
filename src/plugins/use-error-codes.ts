// Every GraphQL error leaves the gateway with a stable `extensions.code`:
//   GRAPHQL_PARSE_FAILED       the document does not parse
//   GRAPHQL_VALIDATION_FAILED  the document is invalid against the schema
//   BAD_USER_INPUT             a malformed argument or variable value (e.g. a bad UUID), or an
//                              operation that cannot run as sent (no operation of that name, ...)
//   NOT_FOUND, UNAUTHENTICATED, FORBIDDEN, UPSTREAM_TIMEOUT, UPSTREAM_UNAVAILABLE, UPSTREAM_ERROR,
//   TOO_MANY_UPSTREAM_CALLS    from the partner API call behind the field (see upstream/errors.ts),
//                              with `extensions.upstream.status` when upstream answered, and
//                              `extensions.fields` ([{ field, message }]) for field-level messages
//   INTERNAL_SERVER_ERROR      anything unexpected; its message is masked ("Unexpected error.")
// graphql-js puts no code on parse, validation or variable-coercion errors; this plugin adds them.
import {
  GraphQLError,
  ValuesOfCorrectTypeRule,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLSchema,
  type ValidationRule,
  type validate as graphqlValidate,
} from 'graphql';
import { handleStreamOrSingleExecutionResult, maskError as yogaMaskError, type Plugin, type YogaServerOptions } from 'graphql-yoga';
import { UpstreamError } from '../upstream/errors.js';

export function useErrorCodes(): Plugin {
  return {
    onParse() {
      return ({ result, replaceParseResult }) => {
        if (result instanceof GraphQLError && result.extensions.code === undefined) {
          replaceParseResult(withCode(result, 'GRAPHQL_PARSE_FAILED'));
        }
      };
    },
    onValidate({ validateFn, setValidationFn }) {
      // A literal value of the wrong shape (`id: "abc"` for a UUID) fails graphql-js's
      // ValuesOfCorrectTypeRule: that is bad input, not a broken document. Only when validation
      // fails is the rule run on its own, to tell those errors apart; results are cached by yoga.
      const validate = validateFn as typeof graphqlValidate;
      setValidationFn((schema: GraphQLSchema, document: DocumentNode, rules?: readonly ValidationRule[]) => {
        const errors = validate(schema, document, rules);
        if (errors.length === 0) return errors;
        const valueErrors = new Set(validate(schema, document, [ValuesOfCorrectTypeRule]).map((e) => e.message));
        return errors.map((e) => withCode(e, valueErrors.has(e.message) ? 'BAD_USER_INPUT' : 'GRAPHQL_VALIDATION_FAILED'));
      });
    },
    onExecute() {
      return {
        onExecuteDone(payload) {
          return handleStreamOrSingleExecutionResult(payload, ({ result, setResult }) => {
            if (result.errors?.length) setResult({ ...result, errors: result.errors.map((e: GraphQLError) => codedError(e, result)) });
          });
        },
      };
    },
  };
}

function codedError(error: GraphQLError, result: ExecutionResult): GraphQLError {
  const original = error.originalError;
  if (original instanceof UpstreamError) {
    const upstream =
      original.status === undefined ? undefined : { status: original.status, ...(original.detail === undefined ? {} : { detail: original.detail }) };
    // A fresh error without originalError: this is an expected failure, not one to mask.
    return new GraphQLError(original.message, {
      nodes: error.nodes,
      source: error.source,
      positions: error.positions,
      path: error.path,
      extensions: { code: original.code, ...(original.fields ? { fields: original.fields } : {}), ...(upstream ? { upstream } : {}) },
    });
  }
  if (error.extensions.code !== undefined) return error;
  // No `data` at all: graphql-js refused to run the operation as sent (variables that do not coerce,
  // an unknown operation name). Those are the caller's to fix.
  if (!('data' in result)) return withCode(error, 'BAD_USER_INPUT');
  return error;
}

function withCode(error: GraphQLError, code: string): GraphQLError {
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions: { ...error.extensions, code },
  });
}

/**
 * Yoga's masking (unexpected errors become "Unexpected error." with INTERNAL_SERVER_ERROR), never in
 * dev mode (which would echo internals), plus a code on whatever still has none: request errors
 * yoga raises itself (a missing query, a bad HTTP method) and graphql-js execution errors.
 */
export const maskedErrors: YogaServerOptions<object, object>['maskedErrors'] = {
  isDev: false,
  maskError(error, message) {
    const masked = yogaMaskError(error, message, false);
    if (!(masked instanceof GraphQLError) || masked.extensions.code !== undefined) return masked;
    const { status } = (masked.extensions.http ?? {}) as { status?: number };
    return withCode(masked, status !== undefined && status >= 400 && status < 500 ? 'BAD_REQUEST' : 'INTERNAL_SERVER_ERROR');
  },
};
