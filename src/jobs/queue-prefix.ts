/**
 * BullMQ's key prefix for this deployment: `<REDIS_KEY_PREFIX>bull`, so that two databases
 * sharing one Redis never share a queue. (BullMQ refuses ioredis' own keyPrefix option.)
 */
export function bullPrefix(keyPrefix: string): string {
  return `${keyPrefix}bull`;
}
