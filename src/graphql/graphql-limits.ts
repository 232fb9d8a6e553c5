import {
  DocumentNode,
  FragmentDefinitionNode,
  GraphQLError,
  GraphQLSchema,
  Kind,
  SelectionSetNode,
  ValidationContext,
  ValidationRule,
} from 'graphql';
import {
  ComplexityEstimatorArgs,
  fieldExtensionsEstimator,
  getComplexity,
  simpleEstimator,
} from 'graphql-query-complexity';
import { DEFAULT_PAGE_SIZE } from '../common/http/page.query';

/**
 * Limits that refuse an operation before it runs (API.md "GraphQL"): its depth (a static
 * validation rule, cached with the parsed document) and its estimated cost (which depends on
 * the variables, so it is computed per request, just before execution).
 */

/** Most tokens a document may have: a real screen's query has a few hundred. */
export const MAX_TOKENS = 4000;

/** The code of a refused operation: a request the server will not take as sent. */
const REFUSED = 'VALIDATION_FAILED';

/**
 * Depth in fields, fragments expanded. `ofType` does not count: introspection's type chains
 * (`type { ofType { ofType … } } }`) nest without fanning out, and GraphiQL's own introspection
 * query needs them. Each fragment's depth is computed once, so a document spreading fragments
 * inside fragments costs linear time, and a cycle (which another rule refuses) stops it.
 */
export function depthLimitRule(maxDepth: number): ValidationRule {
  return (context: ValidationContext) => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const definition of context.getDocument().definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) {
        fragments.set(definition.name.value, definition);
      }
    }
    const fragmentDepth = new Map<string, number>();
    const depthOf = (selectionSet: SelectionSetNode | undefined): number => {
      let deepest = 0;
      for (const selection of selectionSet?.selections ?? []) {
        if (selection.kind === Kind.FIELD) {
          const own = selection.name.value === 'ofType' ? 0 : 1;
          deepest = Math.max(deepest, own + depthOf(selection.selectionSet));
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          deepest = Math.max(deepest, depthOf(selection.selectionSet));
        } else {
          const name = selection.name.value;
          if (!fragmentDepth.has(name)) {
            fragmentDepth.set(name, 0); // a cycle meets 0 here instead of recursing for ever
            fragmentDepth.set(name, depthOf(fragments.get(name)?.selectionSet));
          }
          deepest = Math.max(deepest, fragmentDepth.get(name) ?? 0);
        }
      }
      return deepest;
    };
    return {
      OperationDefinition(operation) {
        const depth = depthOf(operation.selectionSet);
        if (depth > maxDepth) {
          context.reportError(
            new GraphQLError(
              `The operation is ${depth} levels deep; at most ${maxDepth} are allowed`,
              { nodes: [operation], extensions: { code: REFUSED } },
            ),
          );
        }
      },
    };
  };
}

/**
 * The cost of a list field whose page size is the argument `sizeArg`: what one item costs,
 * times the page size asked for (or the default), plus `base` for the read itself.
 */
export function pagedCost(
  base: number,
  sizeArg: string,
  defaultSize: number = DEFAULT_PAGE_SIZE,
): (options: Pick<ComplexityEstimatorArgs, 'args' | 'childComplexity'>) => number {
  return ({ args, childComplexity }) => {
    const size = args[sizeArg] as unknown;
    const items = typeof size === 'number' && size > 0 ? size : defaultSize;
    return base + childComplexity * items;
  };
}

/** Cost of a field that reads the database on its own (not batched): a root field, say. */
export const OWN_READ_COST = 10;

/**
 * Refuses (VALIDATION_FAILED) an operation whose estimated cost is over `maxCost`: each field
 * costs 1 unless it declares its own cost (`complexity` in its decorator), lists multiply their
 * items' cost by the page size asked for.
 */
export function assertCostWithin(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | undefined,
  maxCost: number,
): void {
  let cost: number;
  try {
    cost = getComplexity({
      schema,
      query: document,
      variables: variables ?? {},
      estimators: [fieldExtensionsEstimator(), simpleEstimator({ defaultComplexity: 1 })],
    });
  } catch (error) {
    // Variables that do not fit the operation: refused here, as GraphQL would refuse them.
    throw new GraphQLError(error instanceof Error ? error.message : 'Invalid variables', {
      extensions: { code: REFUSED },
    });
  }
  if (cost > maxCost) {
    throw new GraphQLError(
      `The operation's estimated cost is ${cost}; at most ${maxCost} is allowed (ask for fewer ` +
        'fields or smaller pages)',
      { extensions: { code: REFUSED } },
    );
  }
}
