import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { RecyclingFileStream } from './recycling-file-stream';

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

/**
 * A sink like a socket: it hashes what it is given and takes a turn of the event loop per
 * chunk, and tells which ArrayBuffers the chunks lived in.
 */
function hashingSink(): { sink: Writable; digest: () => string; arrayBuffers: Set<ArrayBuffer> } {
  const hash = createHash('sha256');
  const arrayBuffers = new Set<ArrayBuffer>();
  const sink = new Writable({
    highWaterMark: 16 * 1024,
    write(chunk: Buffer, _encoding, callback) {
      arrayBuffers.add(chunk.buffer as ArrayBuffer);
      setImmediate(() => {
        hash.update(chunk);
        callback();
      });
    },
  });
  return { sink, digest: () => hash.digest('hex'), arrayBuffers };
}

describe(RecyclingFileStream.name, () => {
  const size = 2 * 1024 * 1024 + 123;
  const content = randomBytes(size);
  let dir: string;
  let path: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'recycling-stream-spec-'));
    path = join(dir, 'file');
    await writeFile(path, content);
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('should reuse a few buffers when piped straight into its sink, bytes intact', async () => {
    const { sink, digest, arrayBuffers } = hashingSink();
    const stream = new RecyclingFileStream(await open(path, 'r')).recycleAfter(sink);
    await pipeline(stream, sink);
    expect(digest()).toBe(sha256(content));
    // 33 chunks of 64 KiB went through no more than a handful of buffers.
    expect(arrayBuffers.size).toBeLessThanOrEqual(4);
  });

  it('should send a range intact through reused buffers', async () => {
    const { sink, digest } = hashingSink();
    const [start, end] = [70_000, 1_500_000];
    const stream = new RecyclingFileStream(await open(path, 'r'), start, end).recycleAfter(sink);
    await pipeline(stream, sink);
    expect(digest()).toBe(sha256(content.subarray(start, end + 1)));
  });

  it('should never reuse a buffer when another stream stands between it and the sink', async () => {
    // A stand-in for a compressor that keeps chunks while the sink has nothing queued.
    const kept: Buffer[] = [];
    const keeper = new PassThrough({
      transform(chunk: Buffer, _encoding, callback) {
        kept.push(chunk);
        callback(null, chunk);
      },
    });
    const { sink, digest } = hashingSink();
    const stream = new RecyclingFileStream(await open(path, 'r')).recycleAfter(sink);
    await pipeline(stream, keeper, sink);
    expect(digest()).toBe(sha256(content));
    expect(sha256(Buffer.concat(kept))).toBe(sha256(content));
    expect(new Set(kept.map((chunk) => chunk.buffer)).size).toBe(kept.length);
  });

  it('should close its file when destroyed midway', async () => {
    const handle = await open(path, 'r');
    const stream = new RecyclingFileStream(handle);
    await new Promise<void>((resolve) => stream.once('data', () => resolve()));
    stream.destroy();
    await new Promise<void>((resolve) => stream.once('close', () => resolve()));
    await expect(handle.stat()).rejects.toThrow(/closed/i);
  });
});
