import type { FastifyInstance } from 'fastify';
import { ValidationFailedError } from '../errors/domain-errors';
import { jsonNestsDeeperThan, MAX_JSON_DEPTH } from './json-depth';

/**
 * Replaces Fastify's JSON body parser with the same parser (body limit, prototype-poisoning
 * protection, empty-body and malformed-JSON errors) behind a depth check, so that a body nested
 * deeper than the contract allows is a 400 before anything walks it recursively.
 */
export function installJsonBodyParser(fastify: FastifyInstance): void {
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    // parseAs 'string' hands over a string; the type also allows the Buffer of parseAs 'buffer'.
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (jsonNestsDeeperThan(text, MAX_JSON_DEPTH)) {
      done(
        ValidationFailedError.forField(
          'body',
          `JSON must not nest objects and arrays deeper than ${MAX_JSON_DEPTH} levels`,
        ),
        undefined,
      );
      return;
    }
    void parseJson(request, text, done);
  });
}
