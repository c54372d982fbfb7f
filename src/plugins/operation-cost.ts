// What an operation will cost to execute, read from its document before anything runs. Two figures,
// from one walk:
//
// - `cost`: the fields execution resolves, fragments expanded, each field inside a list counted
//   LIST_FACTOR times (per level of list), and an abstract field (`devices: [Device!]!`, `_entities`)
//   counted as its costliest possible type, since each object in it is of one type. The limit on it
//   (MAX_COST, use-operation-limits.ts) bounds the work one request can ask for, however its
//   fragments multiply.
// - `fields`: the field selections a compiler turns into code, fragments expanded, and an abstract
//   field counted once per possible type, since graphql-jit generates a branch for every concrete type
//   (https://github.com/zalando-incubator/graphql-jit, `compileQuery`). Lists do not multiply code. The
//   bound on it decides what may be compiled (use-compiled-execution.ts): 40 aliases of a 3-level
//   fragment walk through `owner { devices { ... } }` are ~10 KB of text but millions of compiled
//   fields.
//
// The walk visits each selection set once per concrete type (memoized), so it is linear in the document
// times the number of object types, however often fragments are spread. Figures saturate at
// SATURATED instead of overflowing. It errs on the side of counting too much: a fragment spread both
// directly and inside another fragment of the same selection is counted twice, and fields of the same
// response key are not merged as execution merges them; a legitimate client's document is not
// measurably affected.
import {
  Kind,
  SchemaMetaFieldDef,
  TypeMetaFieldDef,
  getNamedType,
  isAbstractType,
  isCompositeType,
  isListType,
  isNonNullType,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

/** How many times a list's items are counted: upstream lists are a user's devices, a page of users. */
export const LIST_FACTOR = 10;

/** Figures stop growing here (a document whose expansion is astronomically large is simply "too large"). */
const SATURATED = 1e15;

export interface OperationCost {
  /** Fields execution resolves, lists weighted, abstract types at their costliest. */
  cost: number;
  /** Field selections after fragment expansion, once per concrete type of an abstract field. */
  fields: number;
}

const ZERO: OperationCost = { cost: 0, fields: 0 };

/** The cost of one operation of a document that passed validation (unknown names are counted as leaves). */
export function operationCost(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode): OperationCost {
  const root = schema.getRootType(operation.operation);
  if (!root) return ZERO;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  return new CostWalk(schema, fragments).selectionSet(operation.selectionSet, root);
}

class CostWalk {
  /** Per selection set, per concrete type: its measure, or `null` while it is being measured (a cycle). */
  private readonly known = new Map<SelectionSetNode, Map<string, OperationCost | null>>();

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  ) {}

  /** A selection set as `type` (always an object type: abstract fields are measured per possible type). */
  selectionSet(set: SelectionSetNode, type: GraphQLObjectType): OperationCost {
    let byType = this.known.get(set);
    if (!byType) this.known.set(set, (byType = new Map<string, OperationCost | null>()));
    const known = byType.get(type.name);
    if (known !== undefined) return known ?? ZERO; // null: a fragment cycle, which validation refuses anyway
    byType.set(type.name, null);
    let cost = 0;
    let fields = 0;
    const spread = new Set<string>();
    for (const selection of set.selections) {
      let part = ZERO;
      if (selection.kind === Kind.FIELD) {
        part = this.field(selection, type);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        if (this.applies(selection.typeCondition?.name.value, type)) part = this.selectionSet(selection.selectionSet, type);
      } else if (!spread.has(selection.name.value)) {
        // Execution collects a fragment once per selection set, however often it is spread there.
        spread.add(selection.name.value);
        const fragment = this.fragments.get(selection.name.value);
        if (fragment && this.applies(fragment.typeCondition.name.value, type)) part = this.selectionSet(fragment.selectionSet, type);
      }
      cost = Math.min(cost + part.cost, SATURATED);
      fields = Math.min(fields + part.fields, SATURATED);
    }
    const measure = { cost, fields };
    byType.set(type.name, measure);
    return measure;
  }

  private field(node: FieldNode, parent: GraphQLObjectType): OperationCost {
    const definition = this.definition(node.name.value, parent);
    if (!definition || !node.selectionSet) return { cost: 1, fields: 1 };
    const named = getNamedType(definition.type);
    if (!isCompositeType(named)) return { cost: 1, fields: 1 };
    let cost = 0;
    let fields = 0;
    for (const type of this.concreteTypes(named)) {
      const part = this.selectionSet(node.selectionSet, type);
      cost = Math.max(cost, part.cost);
      fields = Math.min(fields + part.fields, SATURATED);
    }
    return { cost: Math.min(1 + listFactor(definition.type) * cost, SATURATED), fields: fields + 1 };
  }

  private definition(name: string, parent: GraphQLObjectType): GraphQLField<unknown, unknown> | undefined {
    if (parent === this.schema.getQueryType()) {
      if (name === SchemaMetaFieldDef.name) return SchemaMetaFieldDef;
      if (name === TypeMetaFieldDef.name) return TypeMetaFieldDef;
    }
    return parent.getFields()[name];
  }

  private concreteTypes(type: GraphQLCompositeType): readonly GraphQLObjectType[] {
    return isAbstractType(type) ? this.schema.getPossibleTypes(type) : [type];
  }

  /** Whether a fragment with this type condition applies to an object of `type`. */
  private applies(condition: string | undefined, type: GraphQLObjectType): boolean {
    if (condition === undefined || condition === type.name) return true;
    const conditionType = this.schema.getType(condition);
    return conditionType !== undefined && isAbstractType(conditionType) && this.schema.isSubType(conditionType, type);
  }
}

/** LIST_FACTOR per level of list in a field's type (`[[Int]]` counts twice). */
function listFactor(type: GraphQLOutputType): number {
  let factor = 1;
  for (let t: GraphQLOutputType = type; ; ) {
    if (isNonNullType(t)) t = t.ofType;
    else if (isListType(t)) {
      factor *= LIST_FACTOR;
      t = t.ofType;
    } else return factor;
  }
}
