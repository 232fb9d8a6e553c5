import {
  DeleteObjectCommand,
  GetObjectCommand,
  NoSuchKey,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { S3Config } from '../../config/env';
import type { ByteRange } from '../domain/byte-range';
import {
  AttachmentStorage,
  assertStorageKey,
  ContentMeter,
  newStorageKey,
  StoredObject,
  StoredObjectMissingError,
} from './attachment-storage';

/** S3's smallest multipart part: uploads buffer at most this much (one part at a time). */
const PART_SIZE = 5 * 1024 * 1024;

/**
 * Attachments in an S3-compatible bucket (AWS S3, MinIO, Ceph, R2…), one object per key. The
 * length of an upload is not known in advance, so lib-storage's Upload sends it as one PUT when
 * it ends within the first part, else as a multipart upload, one part in flight at a time.
 */
export class S3AttachmentStorage implements AttachmentStorage {
  private readonly client: S3Client;
  private readonly bucket: string;

  constructor(config: S3Config) {
    this.bucket = config.bucket;
    this.client = new S3Client({
      endpoint: config.endpoint,
      region: config.region,
      credentials: config.credentials,
      forcePathStyle: config.forcePathStyle,
      // Recent SDKs send uploads as aws-chunked with a trailing checksum, which many
      // S3-compatible stores do not decode (they would store the framing); the SHA-256 that
      // matters is computed here anyway.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  async put(source: Readable): Promise<StoredObject> {
    const key = newStorageKey();
    const meter = new ContentMeter();
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: key, Body: meter },
      partSize: PART_SIZE,
      queueSize: 1,
      leavePartsOnError: false,
    });
    const uploaded = upload.done();
    const piped = pipeline(source, meter);
    try {
      await Promise.all([piped, uploaded]);
    } catch (error) {
      // Either side failed: stop the other, drop any parts, and the object should it exist.
      meter.destroy();
      await upload.abort().catch(() => undefined);
      await Promise.allSettled([piped, uploaded]);
      await this.delete(key).catch(() => undefined);
      throw error;
    }
    return { key, size: meter.byteCount, sha256: meter.sha256() };
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    try {
      const response = await this.client.send(
        new GetObjectCommand({
          Bucket: this.bucket,
          Key: assertStorageKey(key),
          Range: range ? `bytes=${range.start}-${range.end}` : undefined,
        }),
      );
      if (!(response.Body instanceof Readable)) throw new Error('S3 answered without a body');
      return response.Body;
    } catch (error) {
      if (error instanceof NoSuchKey) throw new StoredObjectMissingError(key);
      if (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 404) {
        throw new StoredObjectMissingError(key);
      }
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await this.client.send(
      new DeleteObjectCommand({ Bucket: this.bucket, Key: assertStorageKey(key) }),
    );
  }

  /** Releases the client's sockets. */
  onApplicationShutdown(): void {
    this.client.destroy();
  }
}
