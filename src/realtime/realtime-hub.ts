import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import type { RedisClient } from '../redis/redis-client';
import type { WebSocket } from 'ws';
import { AppConfigType, InjectAppConfig } from '../config/app-config';
import { ProjectAccessService } from '../projects/project-access.service';
import { RedisConnectionFactory } from '../redis/redis-connection.factory';
import { EventStream, StreamRecord } from './event-stream';
import { Deliverable, RealtimeConnection, RealtimeRecipient } from './realtime-connection';
import { RealtimeMetrics } from './realtime-metrics';
import { RealtimeTokenVerifier } from './realtime-token.verifier';
import { CLOSE, ClientMessage, MAX_SUBSCRIBED_PROJECTS } from './realtime.protocol';
import { projectsOf, StreamEntry, taskDeliveryFor } from './stream-entry';
import { isStreamId } from './stream-id';

/** Longest wait of one XREAD; a shutdown cuts it short by closing the connection. */
/** How long the first read of the stream, and sockets authenticating meanwhile, wait for Redis. */
const FIRST_CONNECT_WAIT_MS = 5000;
const BLOCK_MS = 5000;
const READ_COUNT = 500;
const REPLAY_BATCH = 500;
const RETRY_MS = 1000;
const LOG_INTERVAL_MS = 10_000;
/** On SIGTERM a client gets this long to answer the 1001 close before its socket is cut. */
const CLOSE_GRACE_MS = 2000;

type TaskEntry = Extract<StreamEntry, { kind: 'task' }>;

/**
 * A consumer of the live feed that is no socket of this protocol (GraphQL's `taskEvents`): it
 * gets, for its user, exactly the messages a socket of that user would get (the same
 * visibility rules, decided at delivery), as the JSON text a socket would be sent.
 */
export interface RealtimeListener extends RealtimeRecipient {
  userId: number;
  receive(message: { text: string; event: string }): void;
}

/**
 * The sockets of this instance and the live feed they are served from: one `XREAD BLOCK` loop
 * over the shared stream, each entry checked against every connected user at delivery time
 * (project members from the shared access cache, the assignee from the entry) and rendered once
 * per outcome. Also the protocol's client messages, the heartbeat and the shutdown.
 *
 * When Redis fails on this instance the sockets stay open; once it answers again the loop goes
 * on from the last entry it read when the stream still holds what followed (the clients get
 * the events they missed), and otherwise tells every client to `resync`.
 */
@Injectable()
export class RealtimeHub implements BeforeApplicationShutdown {
  private readonly logger = new Logger(RealtimeHub.name);
  private readonly connections = new Set<RealtimeConnection>();
  private readonly byUser = new Map<number, Set<RealtimeConnection>>();
  private readonly bySocket = new WeakMap<WebSocket, RealtimeConnection>();
  private readonly listeners = new Set<RealtimeListener>();
  private blocking?: RedisClient;
  private heartbeat?: NodeJS.Timeout;
  private loop?: Promise<void>;
  private started = false;
  private stopping = false;
  /** The last stream entry this instance has fanned out (undefined until first read). */
  private lastId?: string;
  private lastLogAt = 0;
  /** The feed's connection closed since the last check: what followed may have been missed. */
  private connectionLost = false;
  /** Resolves once the feed has read the stream's tail for the first time (see authenticate). */
  private feedStarted: Promise<void> = Promise.resolve();
  private markFeedStarted: () => void = () => undefined;

  constructor(
    @InjectAppConfig() private readonly config: AppConfigType,
    private readonly stream: EventStream,
    private readonly access: ProjectAccessService,
    private readonly verifier: RealtimeTokenVerifier,
    private readonly metrics: RealtimeMetrics,
    private readonly redis: RedisConnectionFactory,
  ) {}

  /** Starts the live feed and the heartbeat; only processes that serve sockets call it. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.feedStarted = new Promise((resolve) => (this.markFeedStarted = resolve));
    this.blocking = this.redis.createBlockingClient('realtime-feed', BLOCK_MS);
    this.blocking.on('close', () => (this.connectionLost = true));
    this.loop = this.readLoop();
    this.heartbeat = setInterval(() => this.beat(), this.config.realtime.heartbeatMs);
  }

  get accepting(): boolean {
    return !this.stopping;
  }

  attach(socket: WebSocket): void {
    if (this.stopping) {
      socket.close(CLOSE.goingAway, 'server shutting down');
      return;
    }
    const connection = new RealtimeConnection(
      socket,
      this.config.realtime.maxBufferedBytes,
      this.metrics,
    );
    this.bySocket.set(socket, connection);
    this.connections.add(connection);
    this.metrics.connectionOpened();
    socket.on('pong', () => (connection.alive = true));
    connection.startAuthTimer(this.config.realtime.authTimeoutMs);
  }

  detach(socket: WebSocket): void {
    const connection = this.bySocket.get(socket);
    if (!connection || !this.connections.delete(connection)) return;
    connection.clearTimers();
    this.metrics.connectionClosed();
    if (connection.userId !== null) {
      const mine = this.byUser.get(connection.userId);
      mine?.delete(connection);
      if (mine?.size === 0) this.byUser.delete(connection.userId);
    }
  }

  /**
   * Adds a listener of the live feed (from now on: no replay); the returned function removes
   * it. While the feed cannot guarantee it missed nothing (Redis was away) it is sent `resync`.
   */
  listen(listener: RealtimeListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** A client message, handled after the connection's earlier ones. */
  receive(socket: WebSocket, message: ClientMessage): void {
    const connection = this.bySocket.get(socket);
    if (!connection) return;
    connection.enqueue(
      () => this.handle(connection, message),
      (error) => {
        this.logger.error(`WebSocket message failed: ${String(error)}`);
        connection.close(1011, 'internal error');
      },
    );
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    clearInterval(this.heartbeat);
    // Cuts a waiting XREAD short; a fan-out in progress finishes its sends first. Bounded: a
    // cluster client disconnected while it re-reads the slot map (after a lost master) can
    // leave the read's promise unsettled, and shutdown must not wait on it.
    this.blocking?.disconnect();
    await Promise.race([this.loop, delay(BLOCK_MS + RETRY_MS)]);
    await Promise.all(
      [...this.connections].map((c) =>
        c.closeAndWait(CLOSE.goingAway, 'server shutting down', CLOSE_GRACE_MS),
      ),
    );
  }

  private async handle(connection: RealtimeConnection, message: ClientMessage): Promise<void> {
    if (!connection.open) return;
    if (message.type === 'auth') return this.authenticate(connection, message);
    // The first message must be `auth`: anything else is a missing token.
    if (connection.userId === null) {
      connection.close(CLOSE.unauthorized, 'authenticate first');
      return;
    }
    if (message.type === 'ping') connection.sendJson({ type: 'pong' });
    else if (message.type === 'subscribe') await this.subscribe(connection, message.project_ids);
  }

  private async authenticate(
    connection: RealtimeConnection,
    message: Extract<ClientMessage, { type: 'auth' }>,
  ): Promise<void> {
    const identity = await this.verifier.verify(message.token);
    if (!connection.open) return;
    if (!identity || identity.expiresAtMs <= Date.now()) {
      connection.close(CLOSE.unauthorized, 'invalid token');
      return;
    }
    const first = connection.userId === null;
    if (!first && connection.userId !== identity.userId) {
      connection.close(CLOSE.unauthorized, 'token of another user');
      return;
    }
    connection.authenticated(identity.userId, identity.expiresAtMs);
    if (!first) {
      connection.sendJson({ type: 'ready', user_id: identity.userId });
      return;
    }
    // Before the feed's first read of the stream a socket could miss what came meanwhile (and be
    // told to resync): an instance that has just started answers `ready` once it reads.
    await Promise.race([this.feedStarted, delay(FIRST_CONNECT_WAIT_MS)]);
    if (!connection.open) return;
    const resumeFrom = message.last_event_id;
    const resuming = resumeFrom !== undefined && resumeFrom !== null;
    // Registered, `ready` sent and the replay started in one tick: no live event can come first.
    connection.replaying = resuming;
    this.register(connection);
    connection.sendJson({ type: 'ready', user_id: identity.userId });
    if (resuming) await this.replay(connection, resumeFrom);
  }

  private register(connection: RealtimeConnection): void {
    const userId = connection.userId!;
    const mine = this.byUser.get(userId) ?? new Set<RealtimeConnection>();
    mine.add(connection);
    this.byUser.set(userId, mine);
  }

  /** Sends what the client missed after `fromId`, or `resync` when the stream no longer can. */
  private async replay(connection: RealtimeConnection, fromId: unknown): Promise<void> {
    try {
      if (!isStreamId(fromId) || (await this.stream.canResumeAfter(fromId)) === 'gone') {
        this.resync(connection, 'resume');
        return;
      }
      connection.cursor = fromId;
      for (;;) {
        const records = await this.stream.range(connection.cursor, REPLAY_BATCH);
        for (const record of records) {
          // Even an event the client may not see advances the cursor: the next page follows.
          connection.deliverNow(await this.prepare(record));
          if (!connection.open) return;
        }
        if (records.length < REPLAY_BATCH) break;
      }
    } catch (error) {
      this.logThrottled(`Resume failed, client told to resync: ${String(error)}`);
      this.resync(connection, 'resume');
    } finally {
      connection.finishReplay();
    }
  }

  private resync(
    connection: RealtimeConnection,
    reason: 'resume' | 'redis_gap' | 'too_many_hidden',
  ): void {
    if (connection.sendJson({ type: 'resync' })) this.metrics.resyncSent(reason);
  }

  private async subscribe(connection: RealtimeConnection, projectIds: unknown): Promise<void> {
    if (
      !Array.isArray(projectIds) ||
      projectIds.length > MAX_SUBSCRIBED_PROJECTS ||
      !projectIds.every((id) => Number.isSafeInteger(id) && (id as number) > 0)
    ) {
      return; // Not a list of project ids: ignored, like ids the user cannot see.
    }
    if (projectIds.length === 0) {
      connection.subscription = null;
      return;
    }
    const userId = connection.userId!;
    const visible = new Set<number>();
    for (const id of new Set(projectIds as number[])) {
      const access = await this.access.cachedAccess(id, userId);
      if (access.live && access.role !== null) visible.add(id);
    }
    connection.subscription = visible;
  }

  private async readLoop(): Promise<void> {
    let failed = false;
    while (!this.stopping) {
      try {
        failed ||= this.connectionLost;
        this.connectionLost = false;
        if (this.lastId === undefined) {
          // The first read waits for the connection (an early command would only fail).
          if (this.blocking?.status !== 'ready') await this.whenFeedConnected();
          this.lastId = await this.stream.tailId(this.blocking);
          this.markFeedStarted();
          // Sockets that connected while the stream was unreachable may have missed events.
          if (failed) this.resyncAll();
        } else if (failed && (await this.stream.canResumeAfter(this.lastId)) === 'gone') {
          this.lastId = await this.stream.tailId(this.blocking);
          this.resyncAll();
        }
        failed = false;
        const records = await this.stream.readAfter(
          this.blocking!,
          this.lastId,
          BLOCK_MS,
          READ_COUNT,
        );
        for (const record of records) {
          // Nobody to tell on this instance: the record is passed over unread (no member
          // lookups). A socket that connects later and resumes replays from its own cursor.
          if (this.hasAudience()) this.fanOut(await this.prepare(record));
          this.lastId = record.id;
        }
      } catch (error) {
        if (this.stopping) break;
        failed = true;
        this.logThrottled(`Real-time feed paused: ${String(error)}`);
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
      }
    }
  }

  /** Waits (at most FIRST_CONNECT_WAIT_MS) until the feed's connection is ready. */
  private whenFeedConnected(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, FIRST_CONNECT_WAIT_MS);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.blocking?.once('ready', done);
    });
  }

  /** Whether an authenticated socket or a listener (GraphQL subscription) may want a record. */
  private hasAudience(): boolean {
    return this.byUser.size > 0 || this.listeners.size > 0;
  }

  private resyncAll(): void {
    for (const connection of this.connections) {
      if (connection.userId !== null) this.resync(connection, 'redis_gap');
    }
    for (const listener of this.listeners) {
      listener.receive({ text: JSON.stringify({ type: 'resync' }), event: 'resync' });
    }
  }

  private fanOut(item: Deliverable & { entry: StreamEntry }): void {
    const { entry } = item;
    for (const listener of this.listeners) {
      const rendered = item.render(listener);
      if (rendered) listener.receive(rendered);
    }
    if (entry.kind === 'task') {
      for (const mine of this.byUser.values()) for (const c of mine) c.deliver(item);
      return;
    }
    for (const c of this.byUser.get(entry.user_id) ?? []) c.deliver(item);
  }

  /**
   * Looks up what deciding the recipients needs (the members of the projects a task entry
   * touches, read now) and renders each possible message at most once.
   */
  private async prepare(record: StreamRecord): Promise<Deliverable & { entry: StreamEntry }> {
    const { id, entry } = record;
    if (entry.kind !== 'task') {
      const text = renderUserEntry(id, entry);
      return {
        id,
        entry,
        at: entry.at,
        render: (c) => (c.userId === entry.user_id ? { text, event: eventNameOf(entry) } : null),
      };
    }
    const members = new Map<number, Set<number> | null>();
    for (const projectId of projectsOf(entry)) {
      members.set(projectId, await this.access.cachedMemberIds(projectId));
    }
    let eventText: string | undefined;
    let hiddenText: string | undefined;
    return {
      id,
      entry,
      at: entry.at,
      render: (c) => {
        const userId = c.userId;
        if (userId === null || !subscribedTo(c, entry)) return null;
        const outcome = taskDeliveryFor(
          entry,
          userId,
          (projectId) => members.get(projectId)?.has(userId) ?? false,
        );
        if (outcome === 'event') {
          eventText ??= renderEvent(id, entry.event, entry.at, entry.data);
          return { text: eventText, event: entry.event };
        }
        if (outcome === 'hidden') {
          hiddenText ??= renderEvent(id, 'task.hidden', entry.at, { task_id: entry.task_id });
          return { text: hiddenText, event: 'task.hidden' };
        }
        return null;
      },
    };
  }

  /** Pings every socket; one that has not answered the previous ping is dropped. */
  private beat(): void {
    for (const connection of this.connections) {
      if (!connection.alive) {
        connection.socket.terminate();
        continue;
      }
      connection.alive = false;
      connection.socket.ping();
    }
  }

  private logThrottled(message: string): void {
    const now = Date.now();
    if (now - this.lastLogAt < LOG_INTERVAL_MS) return;
    this.lastLogAt = now;
    this.logger.warn(message);
  }
}

function subscribedTo(recipient: RealtimeRecipient, entry: TaskEntry): boolean {
  const subscription = recipient.subscription;
  return subscription === null || projectsOf(entry).some((p) => subscription.has(p));
}

function renderEvent(id: string, event: string, at: number, data: unknown): string {
  return JSON.stringify({
    type: 'event',
    id,
    event,
    created_at: new Date(at).toISOString(),
    data,
  });
}

function eventNameOf(entry: Exclude<StreamEntry, TaskEntry>): string {
  if (entry.kind === 'notification') return 'notification.created';
  return entry.kind === 'hidden' ? 'task.hidden' : 'resync';
}

function renderUserEntry(id: string, entry: Exclude<StreamEntry, TaskEntry>): string {
  switch (entry.kind) {
    case 'notification':
      return renderEvent(id, 'notification.created', entry.at, {
        notification: entry.notification,
      });
    case 'hidden':
      return renderEvent(id, 'task.hidden', entry.at, { task_id: entry.task_id });
    case 'resync':
      return JSON.stringify({ type: 'resync' });
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
