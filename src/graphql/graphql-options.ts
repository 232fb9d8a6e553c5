import { Injectable } from '@nestjs/common';
import type { GqlOptionsFactory } from '@nestjs/graphql';
import type { MercuriusDriverConfig } from '@nestjs/mercurius';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  GraphQLError,
  Kind,
  OperationTypeNode,
  parse,
  type DocumentNode,
  type GraphQLSchema,
} from 'graphql';
import { AuthenticationService } from '../auth/authentication.service';
import { bearerToken } from '../auth/bearer-token';
import { CommentsService } from '../comments/comments.service';
import { UnauthorizedError } from '../common/errors/domain-errors';
import { AppConfigType, InjectAppConfig } from '../config/app-config';
import { ProjectsService } from '../projects/projects.service';
import { CallerRateLimiter } from '../rate-limit/caller-rate-limiter';
import { UsersService } from '../users/users.service';
import type { GqlContext } from './graphql-context';
import { formatGraphqlErrors } from './graphql-errors';
import { assertCostWithin, depthLimitRule, MAX_TOKENS } from './graphql-limits';
import { RequestLoaders } from './request-loaders';

/** Where the endpoint is (API.md "GraphQL"): beside the REST API, not under its prefix. */
export const GRAPHQL_PATH = '/graphql';

/**
 * The Mercurius options of the GraphQL endpoint: the code-first schema (resolvers in
 * ./resolvers), GraphiQL outside production, the limits, and the request hooks that resolve the
 * caller and count it against the same rate limit as REST.
 */
@Injectable()
export class GraphqlOptions implements GqlOptionsFactory<MercuriusDriverConfig> {
  constructor(
    @InjectAppConfig() private readonly config: AppConfigType,
    private readonly authentication: AuthenticationService,
    private readonly rateLimiter: CallerRateLimiter,
    private readonly users: UsersService,
    private readonly projects: ProjectsService,
    private readonly comments: CommentsService,
  ) {}

  createGqlOptions(): MercuriusDriverConfig {
    const { maxDepth, maxCost } = this.config.graphql;
    return {
      path: GRAPHQL_PATH,
      // The schema is built in memory; scripts/export-graphql-schema.ts commits it.
      autoSchemaFile: true,
      sortSchema: true,
      graphiql: this.config.nodeEnv !== 'production',
      // One parse and validation per distinct document, shared by later requests.
      cache: true,
      graphql: { parseOptions: { maxTokens: MAX_TOKENS }, validateOptions: { maxErrors: 20 } },
      validationRules: [depthLimitRule(maxDepth)],
      context: (_request: FastifyRequest, reply: FastifyReply): GqlContext => ({ reply }),
      errorFormatter: formatGraphqlErrors,
      hooks: {
        preParsing: async (_schema: GraphQLSchema, source: string, context: GqlContext) => {
          await this.identify(context);
          refuseUnparsable(source);
        },
        preExecution: (
          schema: GraphQLSchema,
          document: DocumentNode,
          _context: GqlContext,
          variables: Record<string, unknown>,
        ) => {
          refuseSubscriptions(document);
          assertCostWithin(schema, document, variables, maxCost);
        },
      },
    } as MercuriusDriverConfig;
  }

  /**
   * The caller, as the REST guards resolve it (same service, same tokens), and one count against
   * its rate limit for the whole request. A rejected token is kept, not thrown, so that each
   * field that needs a caller answers UNAUTHORIZED in the GraphQL response.
   */
  private async identify(context: GqlContext): Promise<void> {
    // Operations over HTTP only: subscriptions are served by GraphqlWsGateway.
    if (!context.reply) return;
    const reply = context.reply;
    const request = reply.request;
    try {
      context.principal = await this.authentication.authenticate(
        bearerToken(request.headers.authorization),
      );
      context.loaders = new RequestLoaders(
        { users: this.users, projects: this.projects, comments: this.comments },
        context.principal.id,
      );
    } catch (error) {
      if (!(error instanceof UnauthorizedError)) throw error;
      context.authError = error;
    }
    await this.rateLimiter.hit(context.principal?.id, request.ip, reply);
  }
}

/** Subscriptions are served over the WebSocket (GraphqlWsGateway), never over HTTP. */
function refuseSubscriptions(document: DocumentNode): void {
  const subscribes = document.definitions.some(
    (d) => d.kind === Kind.OPERATION_DEFINITION && d.operation === OperationTypeNode.SUBSCRIPTION,
  );
  if (subscribes) {
    throw new GraphQLError(
      'Subscriptions are served over a WebSocket at /graphql (graphql-transport-ws protocol)',
      { extensions: { code: 'VALIDATION_FAILED' } },
    );
  }
}

/**
 * Parses the document once before Mercurius does, with the same token cap: Mercurius takes a
 * document that fails to parse for a JSON-encoded syntax tree and hands whatever that JSON is to
 * the validator, which then fails with an internal error instead of a syntax error.
 */
function refuseUnparsable(source: string): void {
  try {
    parse(source, { maxTokens: MAX_TOKENS, noLocation: true });
  } catch (error) {
    throw error instanceof GraphQLError
      ? error
      : new GraphQLError(error instanceof Error ? error.message : 'Syntax error');
  }
}
