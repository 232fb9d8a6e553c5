import { GraphQLSchema, lexicographicSortSchema, printSchema } from 'graphql';

/** The first lines of schema.graphql. */
export const GRAPHQL_SCHEMA_HEADER =
  '# The GraphQL schema of POST /graphql, generated from the resolvers in src/graphql by\n' +
  '# `npm run graphql` (CI checks it with `npm run graphql:check`). Do not edit by hand.\n\n';

/** The schema as schema.graphql holds it: sorted, so the file only changes with the schema. */
export function printGraphqlSchema(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
