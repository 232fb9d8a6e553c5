/**
 * BullMQ's key prefix for this deployment: `<REDIS_KEY_PREFIX>bull`, so that two databases
 * sharing one Redis never share a queue. (BullMQ refuses ioredis' own keyPrefix option.) On a
 * Redis Cluster the prefix is a hash tag, `{<REDIS_KEY_PREFIX>bull}`: BullMQ's scripts touch
 * several keys of a queue at once, which a cluster allows only within one hash slot.
 */
export function bullPrefix(keyPrefix: string, cluster: boolean): string {
  return cluster ? `{${keyPrefix}bull}` : `${keyPrefix}bull`;
}
