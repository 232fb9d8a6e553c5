import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { StoredObjectMissingError } from './attachment-storage';
import { LocalAttachmentStorage } from './local-attachment.storage';

const MiB = 1024 * 1024;

/** `total` bytes in 64 KiB chunks made on demand, so only the storage could hold them all. */
function generated(total: number, failAt?: number): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (failAt !== undefined && sent >= failAt) {
        this.destroy(new Error('client went away'));
        return;
      }
      if (sent >= total) return void this.push(null);
      const chunk = Buffer.alloc(Math.min(64 * 1024, total - sent), sent % 251);
      sent += chunk.length;
      this.push(chunk);
    },
  });
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

describe(LocalAttachmentStorage.name, () => {
  let dir: string;
  let storage: LocalAttachmentStorage;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'local-storage-spec-'));
    storage = await LocalAttachmentStorage.open(dir);
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('should store, read whole and in ranges, and delete', async () => {
    const stored = await storage.put(Readable.from([Buffer.from('hello '), Buffer.from('world')]));
    expect(stored).toEqual({
      key: expect.stringMatching(/^[0-9a-f]{32}$/),
      size: 11,
      sha256: createHash('sha256').update('hello world').digest('hex'),
    });
    expect(await text(await storage.get(stored.key))).toBe('hello world');
    expect(await text(await storage.get(stored.key, { start: 6, end: 10 }))).toBe('world');
    await storage.delete(stored.key);
    await expect(storage.get(stored.key)).rejects.toBeInstanceOf(StoredObjectMissingError);
    await storage.delete(stored.key);
    expect(await filesUnder(dir)).toEqual([]);
  });

  it('should keep nothing when the source fails midway', async () => {
    await expect(storage.put(generated(4 * MiB, MiB))).rejects.toThrow('client went away');
    expect(await filesUnder(dir)).toEqual([]);
  });

  it('should stream a large file without holding it in memory', async () => {
    const total = 96 * MiB;
    const before = process.memoryUsage().arrayBuffers;
    let peak = before;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().arrayBuffers);
    }, 5);
    try {
      const stored = await storage.put(generated(total));
      expect(stored.size).toBe(total);
    } finally {
      clearInterval(sampler);
    }
    // Buffers of a held file would add 96 MiB; a stream keeps a few chunks in flight.
    expect(peak - before).toBeLessThan(32 * MiB);
  });

  it('should refuse a key that is not one it made, so no key is ever a path', async () => {
    await expect(storage.get('../../etc/passwd')).rejects.toThrow('invalid attachment storage key');
    await expect(storage.delete('..')).rejects.toThrow('invalid attachment storage key');
  });
});
