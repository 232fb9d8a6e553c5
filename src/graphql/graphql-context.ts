import type { FastifyReply } from 'fastify';
import type { Principal } from '../common/auth/principal';
import type { DomainError } from '../common/errors/domain-errors';
import type { RequestLoaders } from './request-loaders';

/**
 * What every resolver of one GraphQL request sees (`@Context()`): the caller, resolved once per
 * request by the request hooks (GraphqlRequestHooks), and that request's batch loaders.
 */
export interface GqlContext {
  /** The HTTP reply; absent for an operation over the WebSocket (a subscription). */
  reply?: FastifyReply;
  /** The caller; undefined when the request had no token or a rejected one (see authError). */
  principal?: Principal;
  /** Why the request's token was rejected (401), raised by every field that needs a caller. */
  authError?: DomainError;
  /** Made once the caller is known; see loadersOf. */
  loaders?: RequestLoaders;
}
