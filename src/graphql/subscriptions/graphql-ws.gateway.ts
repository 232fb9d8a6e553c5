import { Logger } from '@nestjs/common';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { OnGatewayInit, WebSocketGateway } from '@nestjs/websockets';
import {
  getOperationAST,
  GraphQLError,
  OperationTypeNode,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type ExecutionArgs,
} from 'graphql';
import { CloseCode, handleProtocols, makeServer, type SubscribePayload } from 'graphql-ws';
import type { IncomingMessage } from 'node:http';
import type { WebSocket, WebSocketServer } from 'ws';
import { AuthenticationService } from '../../auth/authentication.service';
import { bearerToken } from '../../auth/bearer-token';
import { CommentsService } from '../../comments/comments.service';
import type { Principal } from '../../common/auth/principal';
import { Public } from '../../common/decorators/public.decorator';
import { NoRateLimit } from '../../common/decorators/rate-limit.decorator';
import { AppConfigType, InjectAppConfig } from '../../config/app-config';
import { ProjectsService } from '../../projects/projects.service';
import { UsersService } from '../../users/users.service';
import type { GqlContext } from '../graphql-context';
import { assertCostWithin, depthLimitRule, MAX_TOKENS } from '../graphql-limits';
import { GRAPHQL_PATH } from '../graphql-options';
import { RequestLoaders } from '../request-loaders';

/** Largest client message: a subscription document with its variables. */
const MAX_MESSAGE_BYTES = 64 * 1024;
/** How often each socket is pinged; one that has not answered by the next ping is dropped. */
const KEEP_ALIVE_MS = 12_000;

interface Extra extends Record<PropertyKey, unknown> {
  request: IncomingMessage;
  principal?: Principal;
}

/**
 * GraphQL subscriptions over a WebSocket at `/graphql`, with the graphql-transport-ws protocol
 * of the `graphql-ws` library (what Apollo Client, urql and graphql-ws's own client speak). The
 * socket upgrades through the application's WebSocket adapter (RealtimeWsAdapter, with its
 * Origin check), beside GET /api/v1/ws; Mercurius's own subscription transport is not used, as
 * it would take over every upgrade of the server. The token comes in `connection_init`'s
 * payload (`{"authorization": "Bearer …"}`) or the upgrade's Authorization header and is checked
 * by the same AuthenticationService; only subscriptions are served here (queries and mutations
 * go over HTTP, where they are rate limited), with the same depth and cost limits.
 */
@Public()
@NoRateLimit()
@WebSocketGateway({ path: GRAPHQL_PATH, maxPayload: MAX_MESSAGE_BYTES })
export class GraphqlWsGateway implements OnGatewayInit {
  private readonly logger = new Logger(GraphqlWsGateway.name);

  constructor(
    @InjectAppConfig() private readonly config: AppConfigType,
    private readonly schemaHost: GraphQLSchemaHost,
    private readonly authentication: AuthenticationService,
    private readonly users: UsersService,
    private readonly projects: ProjectsService,
    private readonly comments: CommentsService,
  ) {}

  afterInit(server: WebSocketServer): void {
    const graphqlWs = makeServer<Record<string, unknown> | undefined, Extra>({
      // The schema is built after the gateways start: it is read when a client subscribes.
      schema: () => this.schemaHost.schema,
      onConnect: async (ctx) => {
        const header =
          ctx.connectionParams?.authorization ?? ctx.extra.request.headers.authorization;
        try {
          ctx.extra.principal = await this.authentication.authenticate(
            bearerToken(typeof header === 'string' ? header : undefined),
          );
          return true;
        } catch {
          return false; // closed with 4403 Forbidden
        }
      },
      onSubscribe: (ctx, _id, payload) =>
        this.prepare(payload, this.contextOf(ctx.extra.principal)),
    });
    // Only graphql-ws's subprotocol (graphql-transport-ws); another one is refused at once.
    server.options.handleProtocols = handleProtocols;
    server.on('connection', (socket: WebSocket, request: IncomingMessage) =>
      this.serve(graphqlWs, socket, request),
    );
  }

  /** Runs the protocol on one socket (what graphql-ws's `useServer` does for `ws`). */
  private serve(
    graphqlWs: ReturnType<typeof makeServer<Record<string, unknown> | undefined, Extra>>,
    socket: WebSocket,
    request: IncomingMessage,
  ): void {
    let alive = true;
    socket.on('pong', () => (alive = true));
    const heartbeat = setInterval(() => {
      if (!alive) return socket.terminate();
      alive = false;
      socket.ping();
    }, KEEP_ALIVE_MS);
    heartbeat.unref();
    const closed = graphqlWs.opened(
      {
        protocol: socket.protocol,
        send: (data) =>
          new Promise<void>((resolve, reject) => {
            if (socket.readyState !== socket.OPEN) return resolve();
            socket.send(data, (error) => (error ? reject(error) : resolve()));
          }),
        close: (code, reason) => socket.close(code, reason),
        onMessage: (handle) =>
          socket.on('message', (data: Buffer) => {
            handle(data.toString('utf8')).catch((error: unknown) => {
              this.logger.error(`GraphQL WebSocket message failed: ${String(error)}`);
              socket.close(CloseCode.InternalServerError, 'Internal server error');
            });
          }),
      },
      { request },
    );
    socket.once('close', (code: number, reason: Buffer) => {
      clearInterval(heartbeat);
      void closed(code, reason.toString('utf8'));
    });
  }

  private contextOf(principal: Principal | undefined): GqlContext {
    return {
      principal,
      loaders:
        principal &&
        new RequestLoaders(
          { users: this.users, projects: this.projects, comments: this.comments },
          principal.id,
          { cache: false },
        ),
    };
  }

  /** Parses and checks one operation as POST /graphql does: the same limits, subscriptions only. */
  private prepare(
    payload: SubscribePayload,
    contextValue: GqlContext,
  ): ExecutionArgs | readonly GraphQLError[] {
    const schema = this.schemaHost.schema;
    let document: DocumentNode;
    try {
      document = parse(payload.query, { maxTokens: MAX_TOKENS, noLocation: true });
    } catch (error) {
      return [error instanceof GraphQLError ? error : new GraphQLError('Syntax error')];
    }
    const errors = validate(schema, document, [
      ...specifiedRules,
      depthLimitRule(this.config.graphql.maxDepth),
    ]);
    if (errors.length > 0) return errors;
    const operation = getOperationAST(document, payload.operationName);
    if (operation?.operation !== OperationTypeNode.SUBSCRIPTION) {
      return [
        new GraphQLError('Only subscriptions are served over the WebSocket; use POST /graphql'),
      ];
    }
    const variableValues = payload.variables ?? undefined;
    try {
      assertCostWithin(schema, document, variableValues, this.config.graphql.maxCost);
    } catch (error) {
      return [error as GraphQLError];
    }
    return {
      schema,
      document,
      variableValues,
      operationName: payload.operationName ?? undefined,
      contextValue,
    };
  }
}
