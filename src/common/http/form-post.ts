import type { FastifyInstance } from 'fastify';
import { RouteConfig } from '@nestjs/platform-fastify';
import { UnsupportedMediaTypeError } from '../errors/domain-errors';
import { replyWithError } from './framework-errors';
import { ACCEPTS_MULTIPART } from './multipart';

/** Route config of the routes that take an HTML form POST (whose body they ignore). */
const ACCEPTS_FORM_POST = 'acceptsFormPost';

const FORM = 'application/x-www-form-urlencoded';

/**
 * Marks a route that accepts an HTML form POST, `application/x-www-form-urlencoded` or
 * `multipart/form-data` (RFC 8058 one-click unsubscribe: mail providers POST
 * `List-Unsubscribe=One-Click` as either). Its body is not read; every other route still
 * answers 415 for a form, as before. (One RouteConfig: a second one would replace the first.)
 */
export const AcceptsFormPost = (): MethodDecorator =>
  RouteConfig({ [ACCEPTS_FORM_POST]: true, [ACCEPTS_MULTIPART]: true });

/**
 * Registers a form "parser" that reads the body (within the body limit) and discards it: no
 * route uses form fields, so nothing parses them (no prototype-pollution surface). A hook
 * refuses forms with 415 on routes not marked @AcceptsFormPost, so an HTML form on another site
 * still cannot POST to the API's JSON routes.
 */
export function installFormPost(fastify: FastifyInstance): void {
  fastify.addContentTypeParser(FORM, { parseAs: 'string' }, (_request, _body, done) => {
    done(null, {});
  });
  fastify.addHook('preValidation', (request, reply, done) => {
    const type = request.headers['content-type'];
    if (typeof type !== 'string' || !type.toLowerCase().startsWith(FORM)) return done();
    const config = request.routeOptions.config as unknown as Record<string, unknown>;
    if (config[ACCEPTS_FORM_POST] === true) return done();
    void replyWithError(
      request,
      reply,
      new UnsupportedMediaTypeError('Unsupported Content-Type: send application/json'),
    );
  });
}
