// Everything between a request's params and execution: what a document may cost, parsing, validation,
// and their caches. Each check runs before the work it protects, cheapest first:
//
//   1. lexing (onParams): tokens and bracket nesting, counted on a flat token stream, so a huge or
//      deeply nested document is refused before the recursive parser sees it (graphql-js's parser
//      overflows the stack at ~1,500 levels);
//   2. parsing, through a cache bounded in bytes (an AST weighs ~300 bytes per token) instead of
//      entries: yoga's cache holds 1024 documents of any size, which let ~23 hostile requests fill the heap;
//   3. validation in three stages: the limit rules (depth, aliases, directives, introspection)
//      alone; only a document that passes them meets graphql-js's full rule set, whose
//      OverlappingFieldsCanBeMerged is quadratic in the number of aliases; and only a valid document
//      is measured for what it will cost to execute (operation-cost.ts), fragments expanded:
//      a few KB of fragments that multiply each other would otherwise run, and be compiled, in full;
//   4. before execution (onExecute): the entity representations of `_entities`, which live in the
//      variables and so cannot be counted earlier.
// Every refusal is a coded error with HTTP 400 (the catalogue's: src/error-codes.ts) and happens before any upstream call.
import {
  GraphQLError,
  Kind,
  Lexer,
  NoSchemaIntrospectionCustomRule,
  OperationTypeNode,
  Source,
  TokenKind,
  ValuesOfCorrectTypeRule,
  getOperationAST,
  specifiedRules,
  valueFromASTUntyped,
  type DocumentNode,
  type ExecutionArgs,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type ValidationContext,
  type ValidationRule,
  type ValueNode,
  type validate as graphqlValidate,
} from 'graphql';
import { Parser } from 'graphql/language/parser.js';
import type { Plugin } from 'graphql-yoga';
import { LRUCache } from 'lru-cache';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import type { Limits } from '../config.js';
import type { RefusalCode } from '../error-codes.js';
import { refusal, withCode } from '../graphql-errors.js';
import { LIST_FACTOR, operationCost } from './operation-cost.js';
import { rootFields } from './root-fields.js';

export interface OperationLimitsOptions {
  limits: Limits;
  /** False: `__schema` and `__type` are refused (INTROSPECTION_DISABLED). */
  introspection: boolean;
  /** The parsed and validated documents, shared with the fast path (src/fast-path.ts). */
  documents: DocumentCache;
}

/** Measured with graphql 16: a parsed document keeps ~180-290 bytes per token, and its source text. */
const BYTES_PER_TOKEN = 300;

/**
 * Bracket nesting the parser is allowed to recurse into: twice the field depth (each level is a
 * selection set and often an argument list), plus room for input values. Far below the ~1,500 levels
 * at which graphql-js's recursive parser overflows the stack.
 */
export function nestingLimit(depth: number): number {
  return 2 * depth + 32;
}

/**
 * Documents parsed (by their text) and their validation errors, kept once they passed the lexical
 * limits. Any document within the limits may be kept (a screenful of fields is a few hundred tokens,
 * ~100 KB parsed): the bound that matters is the total, in bytes. A document not kept is parsed,
 * validated and executed afresh on every request, and never compiled (use-compiled-execution.ts).
 */
export class DocumentCache {
  readonly parsed: LRUCache<string, DocumentNode>;
  readonly validations = new WeakMap<DocumentNode, readonly GraphQLError[]>();

  constructor(bytes = 32 * 1024 * 1024) {
    this.parsed = new LRUCache<string, DocumentNode>({ max: 1000, maxSize: bytes, maxEntrySize: bytes / 8 });
  }

  /**
   * The document of this text when it is kept and passed every check of this plugin before (lexical
   * limits, validation, cost): what the fast path may run without asking again. Counts as a use.
   */
  valid(text: string): DocumentNode | undefined {
    const document = this.parsed.get(text);
    return document && this.validations.get(document)?.length === 0 ? document : undefined;
  }
}

export function useOperationLimits({ limits, introspection, documents: cache }: OperationLimitsOptions): Plugin {
  const { parsed: documents, validations } = cache;
  const limitRules = limitRulesFor(limits, introspection);

  return {
    onParams({ params, setResult }) {
      // A document already parsed passed these checks when it was first seen.
      if (typeof params.query !== 'string' || documents.has(params.query)) return;
      const refused = lexicalLimit(params.query, limits);
      if (refused) setResult({ errors: [refused] });
    },

    onParse({ setParseFn }) {
      setParseFn((source: string | Source) => {
        const text = typeof source === 'string' ? source : source.body;
        const cached = documents.get(text);
        if (cached) return cached;
        const parser = new Parser(text, { maxTokens: limits.tokens });
        let document: DocumentNode;
        try {
          document = parser.parseDocument();
        } catch (error) {
          // Only reachable with the lexical check bypassed (a plugin's own document): still the caller's.
          if (error instanceof RangeError) throw refusal('MAX_DEPTH_LIMIT', 'The document is nested too deeply to parse');
          throw error;
        }
        documents.set(text, document, { size: parser.tokenCount * BYTES_PER_TOKEN + text.length });
        return document;
      });
    },

    onValidate({ setValidationFn, validateFn }) {
      const validate = validateFn as typeof graphqlValidate;
      setValidationFn((schema: GraphQLSchema, document: DocumentNode, rules?: readonly ValidationRule[]) => {
        const known = validations.get(document);
        if (known) return known;
        const errors = validateInStages(validate, schema, document, limitRules, rules ?? specifiedRules, limits);
        validations.set(document, errors);
        return errors;
      });
    },

    onExecute(payload) {
      const args = payload.args as ExecutionArgs;
      const refused = entityLimit(args.schema, args.document, args.operationName, args.variableValues, limits.entities);
      if (refused) payload.setResultAndStopExecution({ errors: [refused] });
    },
  };
}

// ---- 1. lexing ---------------------------------------------------------------------------------------

const OPENING = new Set<string>([TokenKind.BRACE_L, TokenKind.BRACKET_L, TokenKind.PAREN_L]);
const CLOSING = new Set<string>([TokenKind.BRACE_R, TokenKind.BRACKET_R, TokenKind.PAREN_R]);

/** Token count and bracket nesting of a document, read from its token stream; the first limit crossed. */
export function lexicalLimit(query: string, limits: Pick<Limits, 'tokens' | 'depth'>): GraphQLError | undefined {
  const lexer = new Lexer(new Source(query));
  const maxNesting = nestingLimit(limits.depth);
  let tokens = 0;
  let nesting = 0;
  try {
    for (let token = lexer.advance(); token.kind !== TokenKind.EOF; token = lexer.advance()) {
      if (++tokens > limits.tokens) return refusal('MAX_TOKENS_LIMIT', `The document has more than ${limits.tokens} tokens`);
      if (OPENING.has(token.kind) && ++nesting > maxNesting) {
        return refusal('MAX_DEPTH_LIMIT', `The document nests brackets more than ${maxNesting} levels deep`);
      }
      if (CLOSING.has(token.kind)) nesting--;
    }
  } catch (error) {
    // A lexical syntax error: the parser reports it, with its location.
    if (error instanceof GraphQLError) return undefined;
    throw error;
  }
  return undefined;
}

// ---- 3. validation -----------------------------------------------------------------------------------

function limitRulesFor(limits: Limits, introspection: boolean): ValidationRule[] {
  // graphql-armor's rules throw their error by default, which yoga would answer as an unexpected
  // INTERNAL_SERVER_ERROR; reported through the validation context instead, with their own code.
  const report = (code: RefusalCode) => ({
    propagateOnRejection: false,
    onReject: [(context: ValidationContext | null, error: GraphQLError) => context?.reportError(limitError(code, error.message))],
  });
  const rules: ValidationRule[] = [
    maxDepthRule({ n: limits.depth, flattenFragments: true, ignoreIntrospection: true, ...report('MAX_DEPTH_LIMIT') }),
    maxAliasesRule({ n: limits.aliases, ...report('MAX_ALIASES_LIMIT') }),
    maxDirectivesRule({ n: limits.directives, ...report('MAX_DIRECTIVES_LIMIT') }),
  ];
  if (!introspection) rules.push(NoSchemaIntrospectionCustomRule);
  return rules;
}

/** armor words its messages as "Syntax Error: ..."; they are limits, not syntax. */
function limitError(code: RefusalCode, message: string): GraphQLError {
  return refusal(code, message.replace(/^Syntax Error: /, ''));
}

function validateInStages(
  validate: typeof graphqlValidate,
  schema: GraphQLSchema,
  document: DocumentNode,
  limitRules: readonly ValidationRule[],
  rules: readonly ValidationRule[],
  limits: Pick<Limits, 'cost'>,
): readonly GraphQLError[] {
  try {
    const refused = validate(schema, document, limitRules);
    // The limit rules code their own errors; graphql-js's introspection rule is the one that does not.
    if (refused.length > 0) return refused.map((e) => withCode(e, 'INTROSPECTION_DISABLED', { refuses: true }));
    const errors = validate(schema, document, rules);
    if (errors.length === 0) return costLimit(schema, document, limits.cost);
    // A literal of the wrong shape (`id: "abc"` for a UUID) fails ValuesOfCorrectTypeRule: that is bad
    // input, not a broken document. Only when validation fails is the rule run on its own, to tell them apart.
    const valueErrors = new Set(validate(schema, document, [ValuesOfCorrectTypeRule]).map((e) => e.message));
    return errors.map((e) => withCode(e, valueErrors.has(e.message) ? 'BAD_USER_INPUT' : 'GRAPHQL_VALIDATION_FAILED'));
  } catch (error) {
    // graphql-js's fragment-cycle and field-merging rules recurse: a pathological document within the
    // limits above could still exhaust the stack. It is refused, not crashed on.
    if (error instanceof RangeError) return [refusal('GRAPHQL_VALIDATION_FAILED', 'The document is too complex to validate')];
    throw error;
  }
}

/** Every operation of a valid document within the cost limit; the costliest one over it is named. */
function costLimit(schema: GraphQLSchema, document: DocumentNode, limit: number): readonly GraphQLError[] {
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    const { cost } = operationCost(schema, document, definition);
    if (cost > limit) {
      const name = definition.name ? `Operation ${definition.name.value.slice(0, 64)}` : 'The operation';
      return [
        refusal(
          'MAX_COST_LIMIT',
          `${name} costs ${cost >= 1e15 ? 'more than 10^15' : cost}; at most ${limit} is allowed (a field costs 1, and ${LIST_FACTOR} times that inside a list)`,
        ),
      ];
    }
  }
  return [];
}

// ---- 4. entities -------------------------------------------------------------------------------------

/**
 * The representations `_entities` is asked for: at most `limit` in all, each an object whose
 * `__typename` is an entity of this subgraph. Anything else is refused before execution (@apollo/subgraph
 * would throw a plain Error for an unknown type, answered as INTERNAL_SERVER_ERROR, and resolve tens of
 * thousands of representations one by one).
 */
export function entityLimit(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | null | undefined,
  limit: number,
): GraphQLError | undefined {
  const operation = getOperationAST(document, operationName);
  if (operation?.operation !== OperationTypeNode.QUERY) return undefined;
  const lists = rootFields(document, operation).flatMap((field) => {
    const argument = field.name.value === '_entities' ? field.arguments?.find((a) => a.name.value === 'representations') : undefined;
    return argument ? [representations(argument.value, operation, variables ?? {})] : [];
  });
  if (lists.length === 0) return undefined;
  const total = lists.reduce((sum, list) => sum + (list?.length ?? 0), 0);
  if (total > limit) return refusal('MAX_ENTITIES_LIMIT', `The operation asks for ${total} entity representations; at most ${limit} are allowed`);
  const entityTypes = new Set(entityTypeNames(schema));
  for (const list of lists) {
    for (const [index, representation] of (list ?? []).entries()) {
      const typename = (representation as { __typename?: unknown } | null)?.__typename;
      if (typeof typename !== 'string' || !entityTypes.has(typename)) {
        const shown = typeof typename === 'string' ? `"${typename.slice(0, 100)}"` : 'no __typename';
        return refusal(
          'BAD_USER_INPUT',
          `Representation ${index} has ${shown}; this subgraph resolves ${[...entityTypes].sort().join(', ')}`,
        );
      }
    }
  }
  return undefined;
}

function entityTypeNames(schema: GraphQLSchema): string[] {
  const union = schema.getType('_Entity');
  return union && 'getTypes' in union ? union.getTypes().map((t) => t.name) : [];
}

/**
 * The representations an argument names, with variables (and their defaults) filled in. A single
 * value counts as a list of one, as GraphQL's input coercion makes it; null is left to execution.
 */
function representations(node: ValueNode, operation: OperationDefinitionNode, variables: Record<string, unknown>): unknown[] | undefined {
  const values = { ...defaults(operation), ...variables };
  const value: unknown = node.kind === Kind.VARIABLE ? values[node.name.value] : valueFromASTUntyped(node, values);
  if (value === undefined || value === null) return undefined;
  return Array.isArray(value) ? (value as unknown[]) : [value];
}

function defaults(operation: OperationDefinitionNode): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const definition of operation.variableDefinitions ?? []) {
    if (definition.defaultValue) result[definition.variable.name.value] = valueFromASTUntyped(definition.defaultValue);
  }
  return result;
}
