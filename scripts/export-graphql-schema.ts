/**
 * Writes the GraphQL schema to schema.graphql (`npm run graphql`), or with `--check` fails when
 * the committed file differs from what the resolvers describe (`npm run graphql:check`, in CI),
 * as scripts/export-openapi.ts does for openapi.json. The schema is built from the resolver
 * classes' metadata alone: neither MySQL nor Redis is needed.
 */
import { NestFactory } from '@nestjs/core';
import { GraphQLSchemaBuilderModule, GraphQLSchemaFactory } from '@nestjs/graphql';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { GRAPHQL_SCHEMA_HEADER, printGraphqlSchema } from '../src/graphql/schema-printer';
import { GRAPHQL_RESOLVERS } from '../src/graphql/resolvers';
import { readOrEmpty } from './generated-file';

const OUTPUT = join(__dirname, '..', 'schema.graphql');

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { check: { type: 'boolean' } } });
  const app = await NestFactory.createApplicationContext(GraphQLSchemaBuilderModule, {
    logger: false,
  });
  const schema = await app.get(GraphQLSchemaFactory).create(GRAPHQL_RESOLVERS);
  await app.close();
  const text = `${GRAPHQL_SCHEMA_HEADER}${printGraphqlSchema(schema)}`;

  if (values.check) {
    if (readOrEmpty(OUTPUT) !== text) {
      console.error('schema.graphql is stale: run `npm run graphql` and commit the result.');
      process.exit(1);
    }
    console.log('schema.graphql is up to date.');
    return;
  }
  writeFileSync(OUTPUT, text);
  console.log(`Wrote ${OUTPUT}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
