import type { Cluster, Redis } from 'ioredis';

/**
 * A request-path Redis connection: one Redis, or a Redis Cluster when `REDIS_CLUSTER_NODES` is
 * set. Both have the same command API (and `defineCommand`, `status`, the connection events),
 * so users need not know which it is, as long as a script or transaction only touches keys of
 * one hash slot.
 */
export type RedisClient = Redis | Cluster;
