import fastifyMultipart from '@fastify/multipart';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { RouteConfig } from '@nestjs/platform-fastify';
import { UnsupportedMediaTypeError } from '../errors/domain-errors';
import { replyWithError } from './framework-errors';

/** Route config of the routes that take `multipart/form-data` (uploads). */
export const ACCEPTS_MULTIPART = 'acceptsMultipart';

/** Marks a route that reads its body with `request.file()`; every other route refuses multipart. */
export const AcceptsMultipart = (): MethodDecorator => RouteConfig({ [ACCEPTS_MULTIPART]: true });

/** How large a multipart request may grow around its one file (fields, headers). */
const LIMITS = {
  fields: 10,
  fieldSize: 1024,
  fieldNameSize: 100,
  files: 1,
  parts: 20,
  headerPairs: 50,
};

/**
 * Registers @fastify/multipart for uploads of at most `maxFileBytes`. The plugin's parser
 * accepts `multipart/form-data` on every route (it only marks the request; the body is read
 * by the handler), so a hook answers 415 for it on every route not marked @AcceptsMultipart,
 * as for any other type a JSON route does not take.
 */
export async function installMultipart(
  app: NestFastifyApplication,
  maxFileBytes: number,
): Promise<void> {
  await app.register(fastifyMultipart, { limits: { ...LIMITS, fileSize: maxFileBytes } });
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('preValidation', (request, reply, done) => {
    if (!request.isMultipart()) return done();
    const config = request.routeOptions.config as unknown as Record<string, unknown>;
    if (config[ACCEPTS_MULTIPART] === true) return done();
    void replyWithError(
      request,
      reply,
      new UnsupportedMediaTypeError('Unsupported Content-Type: send application/json'),
    );
  });
}
