import { createHash, randomBytes } from 'node:crypto';
import { Transform, TransformCallback } from 'node:stream';
import type { Readable } from 'node:stream';
import type { ByteRange } from '../domain/byte-range';

/** An object written by `put`: its key, length and SHA-256 (lower-case hex). */
export interface StoredObject {
  key: string;
  size: number;
  sha256: string;
}

/**
 * Where the bytes of attachments live (ATTACHMENT_STORAGE): a local directory or an
 * S3-compatible bucket. Keys are made by the storage, random, never derived from a file name.
 */
export interface AttachmentStorage {
  /**
   * Streams `source` into a new object, measuring its length and SHA-256 on the way (nothing
   * holds the whole file). When `source` fails (too large, the client went away) the error is
   * rethrown and nothing is kept.
   */
  put(source: Readable): Promise<StoredObject>;
  /** The object's bytes, or only `range`; StoredObjectMissingError when it is not there. */
  get(key: string, range?: ByteRange): Promise<Readable>;
  /** Removes the object; an object already gone is no error. */
  delete(key: string): Promise<void>;
}

export const ATTACHMENT_STORAGE = Symbol('ATTACHMENT_STORAGE');

export class StoredObjectMissingError extends Error {
  constructor(key: string) {
    super(`stored object ${key} is missing`);
    this.name = 'StoredObjectMissingError';
  }
}

const KEY_PATTERN = /^[0-9a-f]{32}$/;

/** A fresh storage key: 128 random bits in hex. */
export function newStorageKey(): string {
  return randomBytes(16).toString('hex');
}

/** Refuses anything but a key `newStorageKey` could have made, so no key is ever a path. */
export function assertStorageKey(key: string): string {
  if (!KEY_PATTERN.test(key)) throw new Error('invalid attachment storage key');
  return key;
}

/** Passes bytes through unchanged, counting them and hashing them with SHA-256. */
export class ContentMeter extends Transform {
  private readonly hash = createHash('sha256');
  // Not `size`: lib-storage's Upload takes a body's `size` for its length, known in advance.
  byteCount = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.byteCount += chunk.length;
    this.hash.update(chunk);
    callback(null, chunk);
  }

  /** The SHA-256 of everything that passed; call once, after the stream ended. */
  sha256(): string {
    return this.hash.digest('hex');
  }
}
