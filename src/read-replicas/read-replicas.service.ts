import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { MysqlConnectionOptions } from 'typeorm/driver/mysql/MysqlConnectionOptions';
import type { HostPort } from '../config/env';
import { AppConfigType, InjectAppConfig } from '../config/app-config';
import { MetricsService } from '../metrics/metrics.service';
import {
  caughtUpTo,
  GtidFlavor,
  gtidFlavorOf,
  parseGtidPosition,
  POSITION_SQL,
  PrimarySample,
} from './gtid-position';
import { RecentWrites } from './recent-writes';

/** How often the primary's position and every replica's are read. */
const CHECK_INTERVAL_MS = 250;
/** A replica whose last check is older than this is not used (its checks are failing). */
const STALE_CHECK_MS = 2000;
/** How long a replica that failed a query or a check is left alone before it is tried again. */
const RETRY_AFTER_MS = 5000;
/** How far back primary samples are kept: a replica further behind is skipped anyway. */
const SAMPLE_HISTORY_MS = 60_000;

interface Replica {
  name: string;
  dataSource: DataSource;
  /** Everything the primary committed before this time (epoch ms) is on the replica. */
  caughtUpTo: number | null;
  checkedAt: number;
  downUntil: number;
}

/**
 * Sends the heavy reads (listing, search, stats, reports, export) to MySQL read replicas
 * (`DB_REPLICA_HOSTS`), keeping two promises:
 * - **read your writes**: a user's reads go to a replica only once it holds every commit made
 *   before that user's last write (RecentWrites), else to the primary;
 * - **bounded lag**: a replica further behind than `DB_REPLICA_MAX_LAG_MS`, failing, or not
 *   answering its checks is skipped (and tried again later); its reads go elsewhere.
 * How far a replica has got is measured by GTID: the primary's position (MariaDB
 * `@@gtid_binlog_pos`, MySQL `@@GLOBAL.gtid_executed`), sampled every 250 ms, against the
 * replica's (`@@gtid_slave_pos`, `@@GLOBAL.gtid_executed`): a replica is dated by the newest
 * primary sample it has reached, which needs no heartbeat writes. Writes, locks and
 * migrations only ever use the primary; without replicas every read does.
 */
@Injectable()
export class ReadReplicas implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(ReadReplicas.name);
  private readonly replicas: Replica[];
  private readonly maxLagMs: number;
  private samples: PrimarySample[] = [];
  private timer?: NodeJS.Timeout;
  private checking = false;
  private next = 0;
  /** Read from the primary's version on the first check; replicas share it. */
  private flavor?: GtidFlavor;

  constructor(
    @InjectDataSource() private readonly primary: DataSource,
    private readonly recentWrites: RecentWrites,
    private readonly metrics: MetricsService,
    @InjectAppConfig() config: AppConfigType,
  ) {
    this.maxLagMs = config.db.replicaMaxLagMs;
    this.replicas = config.db.replicas.map((host) => ({
      name: `${host.host}:${host.port}`,
      dataSource: new DataSource(this.replicaOptions(host)),
      caughtUpTo: null,
      checkedAt: 0,
      downUntil: 0,
    }));
  }

  get enabled(): boolean {
    return this.replicas.length > 0;
  }

  onModuleInit(): void {
    if (!this.enabled) return;
    void this.check();
    this.timer = setInterval(() => void this.check(), CHECK_INTERVAL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await Promise.allSettled(
      this.replicas.filter((r) => r.dataSource.isInitialized).map((r) => r.dataSource.destroy()),
    );
  }

  /**
   * Runs a read for `userId` on a replica that may serve it, else on the primary. A replica
   * that fails the query is skipped for a while and the query runs on the primary instead.
   */
  async query<T>(userId: number, sql: string, params: unknown[]): Promise<T> {
    const replica = this.enabled ? await this.pick(userId) : null;
    if (replica) {
      try {
        const rows = (await replica.dataSource.query(sql, params)) as T;
        this.metrics.dbRead('replica');
        return rows;
      } catch (error) {
        this.markDown(replica, 'query', error);
      }
    }
    this.metrics.dbRead('primary');
    return await this.primary.query(sql, params);
  }

  private async pick(userId: number): Promise<Replica | null> {
    const lastWrite = await this.recentWrites.lastWriteOf(userId);
    const now = Date.now();
    const usable = this.replicas.filter(
      (r) =>
        r.dataSource.isInitialized &&
        now >= r.downUntil &&
        now - r.checkedAt <= STALE_CHECK_MS &&
        r.caughtUpTo !== null &&
        now - r.caughtUpTo <= this.maxLagMs &&
        r.caughtUpTo >= lastWrite,
    );
    if (usable.length === 0) return null;
    this.next = (this.next + 1) % usable.length;
    return usable[this.next];
  }

  /** Samples the primary's position, then dates every replica against the samples. */
  private async check(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      this.flavor ??= await this.primaryFlavor();
      const flavor = this.flavor;
      const at = Date.now();
      const rows = await this.primary.query<Array<{ pos: string | null }>>(
        POSITION_SQL[flavor].primary,
      );
      const position = parseGtidPosition(rows[0]?.pos ?? '', flavor);
      if (!position) throw new Error(`unexpected primary GTID position "${rows[0]?.pos}"`);
      this.samples.push({ at, position });
      while (this.samples.length > 1 && this.samples[0].at < at - SAMPLE_HISTORY_MS) {
        this.samples.shift();
      }
      await Promise.all(this.replicas.map((replica) => this.checkReplica(replica, flavor)));
    } catch (error) {
      // Without the primary's position no replica can be dated; they age out (STALE_CHECK_MS).
      this.logger.warn(`Replica check failed on the primary: ${describe(error)}`);
    } finally {
      this.checking = false;
    }
  }

  private async primaryFlavor(): Promise<GtidFlavor> {
    const rows = await this.primary.query<Array<{ version: string }>>(
      'SELECT VERSION() AS version',
    );
    return gtidFlavorOf(rows[0]?.version ?? '');
  }

  private async checkReplica(replica: Replica, flavor: GtidFlavor): Promise<void> {
    const now = Date.now();
    if (now < replica.downUntil) return;
    try {
      if (!replica.dataSource.isInitialized) await replica.dataSource.initialize();
      const rows = await replica.dataSource.query<Array<{ pos: string | null }>>(
        POSITION_SQL[flavor].replica,
      );
      const position = parseGtidPosition(rows[0]?.pos ?? '', flavor);
      if (!position) throw new Error(`unexpected replica GTID position "${rows[0]?.pos}"`);
      replica.caughtUpTo = caughtUpTo(position, this.samples);
      replica.checkedAt = Date.now();
      this.metrics.replicaLag(
        replica.name,
        replica.caughtUpTo === null ? null : replica.checkedAt - replica.caughtUpTo,
      );
    } catch (error) {
      this.markDown(replica, 'check', error);
    }
  }

  private markDown(replica: Replica, during: string, error: unknown): void {
    if (Date.now() >= replica.downUntil) {
      this.logger.warn(
        `Replica ${replica.name} skipped for ${RETRY_AFTER_MS} ms after a failed ${during}: ${describe(error)}`,
      );
    }
    replica.downUntil = Date.now() + RETRY_AFTER_MS;
    replica.caughtUpTo = null;
    this.metrics.replicaLag(replica.name, null);
  }

  private replicaOptions(host: HostPort): MysqlConnectionOptions {
    const options = this.primary.options as MysqlConnectionOptions;
    return {
      ...options,
      host: host.host,
      port: host.port,
      // Never migrate or synchronize a replica: it receives the schema from the primary.
      migrations: [],
      migrationsRun: false,
      synchronize: false,
      poolSize: options.poolSize,
    };
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
