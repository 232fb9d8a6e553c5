import { createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ByteRange } from '../domain/byte-range';
import {
  AttachmentStorage,
  assertStorageKey,
  ContentMeter,
  newStorageKey,
  StoredObject,
  StoredObjectMissingError,
} from './attachment-storage';
import { RecyclingFileStream } from './recycling-file-stream';

/** Where uploads are written until they are complete. */
const INCOMING = '.incoming';

/**
 * Attachments as files under one directory (ATTACHMENT_DIR): `<dir>/<key[0..2]>/<key>`, so no
 * directory grows past a few thousand entries per million files. An upload is written to
 * `<dir>/.incoming/` first and renamed into place once complete, so a file at its final path
 * is always whole, and a failed upload leaves nothing behind.
 */
export class LocalAttachmentStorage implements AttachmentStorage {
  private constructor(private readonly root: string) {}

  /** Creates the directory (and its incoming area) if needed; fails at boot when it cannot. */
  static async open(dir: string): Promise<LocalAttachmentStorage> {
    const root = resolve(dir);
    await mkdir(join(root, INCOMING), { recursive: true });
    return new LocalAttachmentStorage(root);
  }

  async put(source: Readable): Promise<StoredObject> {
    const key = newStorageKey();
    const incoming = join(this.root, INCOMING, `${key}.part`);
    const meter = new ContentMeter();
    try {
      await pipeline(source, meter, createWriteStream(incoming, { flags: 'wx', mode: 0o640 }));
      await mkdir(join(this.root, key.slice(0, 2)), { recursive: true });
      await rename(incoming, this.pathOf(key));
    } catch (error) {
      await rm(incoming, { force: true });
      throw error;
    }
    return { key, size: meter.byteCount, sha256: meter.sha256() };
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    // Opened here rather than lazily by the stream, so a missing file is an error of this call
    // and not of a response already under way.
    const handle = await open(this.pathOf(key), 'r').catch((error: NodeJS.ErrnoException) => {
      throw error.code === 'ENOENT' ? new StoredObjectMissingError(key) : error;
    });
    return range
      ? new RecyclingFileStream(handle, range.start, range.end)
      : new RecyclingFileStream(handle);
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  private pathOf(key: string): string {
    return join(this.root, key.slice(0, 2), assertStorageKey(key));
  }
}
