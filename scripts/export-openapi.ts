/**
 * Writes the OpenAPI document to openapi.json (`npm run openapi`), or with `--check` fails when
 * the committed file differs from what the code describes (`npm run openapi:check`, in CI).
 * Nest's preview mode resolves the module graph without instantiating providers, so neither
 * MySQL nor Redis is needed.
 */
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppModule } from '../src/app.module';
import { applyGlobalPrefix } from '../src/app.setup';
import { buildOpenApiDocument } from '../src/common/http/swagger';

const OUTPUT = join(__dirname, '..', 'openapi.json');

async function main(): Promise<void> {
  const app = await NestFactory.create(AppModule, new FastifyAdapter(), {
    preview: true,
    logger: false,
    abortOnError: false,
  });
  applyGlobalPrefix(app);
  const document = `${JSON.stringify(buildOpenApiDocument(app), null, 2)}\n`;
  await app.close();

  if (process.argv.includes('--check')) {
    let committed = '';
    try {
      committed = readFileSync(OUTPUT, 'utf8');
    } catch {
      committed = '';
    }
    if (committed !== document) {
      console.error('openapi.json is stale: run `npm run openapi` and commit the result.');
      process.exit(1);
    }
    console.log('openapi.json is up to date.');
    return;
  }
  writeFileSync(OUTPUT, document);
  console.log(`Wrote ${OUTPUT}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
