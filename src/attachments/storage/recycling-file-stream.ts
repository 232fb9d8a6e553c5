import type { FileHandle } from 'node:fs/promises';
import { Readable, Writable } from 'node:stream';

/** Bytes per read: the chunk size of fs.createReadStream. */
const CHUNK_BYTES = 64 * 1024;

/** Buffers a stream keeps for reuse; a download through Fastify has at most 3 under way. */
const KEPT_BUFFERS = 4;

/**
 * A file's bytes from `start` to `end` (inclusive; the end of the file by default) as a
 * Readable that reuses a few 64 KiB buffers instead of allocating one per chunk, once told
 * where the bytes go (`recycleAfter`).
 *
 * Why: every Buffer fs.createReadStream allocates is external memory to V8, 5 MiB per 5 MiB
 * download. Chunks still being written when a scavenge runs are promoted, and once enough
 * external memory has piled up V8 runs a full mark-compact of the whole heap: the service's
 * heap is ~60 MB, so those collections cost it more than the streaming itself (issue 13, A2).
 *
 * A buffer is reused only when its bytes can no longer be read: the stream is piped straight
 * into the sink and has no other reader, and the sink has handed them to the kernel. The sink
 * takes bytes in order and `writableLength` counts those it has not (queued in the stream and
 * in libuv alike, the response's own headers too), so every byte up to
 * `pushedBytes − readableLength − sink.writableLength` is gone from both. Otherwise (no sink,
 * a compressor or any other stream between, another `data` listener) each read takes a new
 * buffer, as fs.createReadStream does, so no consumer ever sees a chunk change under it.
 */
export class RecyclingFileStream extends Readable {
  private position: number;
  private sink: Writable | null = null;
  /** Bytes pushed so far. */
  private pushedBytes = 0;
  /** Buffers whose bytes were pushed, oldest first, with `pushedBytes` after each. */
  private readonly pushed: { buffer: Buffer; end: number }[] = [];
  private readonly free: Buffer[] = [];

  constructor(
    private readonly handle: FileHandle,
    start = 0,
    private readonly end = Infinity,
  ) {
    super({ highWaterMark: CHUNK_BYTES });
    this.position = start;
  }

  /**
   * Reuses buffers once `sink` has flushed them, provided the first stream piped into `sink`
   * is this one (Fastify pipes a stream payload into the response).
   */
  recycleAfter(sink: Writable): this {
    sink.once('pipe', (source: Readable) => {
      if (source === this) this.sink = sink;
    });
    return this;
  }

  override _read(): void {
    const length = Math.min(CHUNK_BYTES, this.end - this.position + 1);
    if (length <= 0) {
      this.push(null);
      return;
    }
    const buffer = this.takeBuffer();
    this.handle.read(buffer, 0, length, this.position).then(
      ({ bytesRead }) => {
        if (this.destroyed) return;
        // A file cut short under the stream ends it, as fs.createReadStream does.
        if (bytesRead === 0) {
          this.push(null);
          return;
        }
        this.position += bytesRead;
        this.pushedBytes += bytesRead;
        // Bounded: past KEPT_BUFFERS a chunk is left to the garbage collector.
        if (this.sink && this.pushed.length < KEPT_BUFFERS) {
          this.pushed.push({ buffer, end: this.pushedBytes });
        }
        this.push(bytesRead === buffer.length ? buffer : buffer.subarray(0, bytesRead));
      },
      (error: Error) => this.destroy(error),
    );
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.handle.close().then(
      () => callback(error),
      (closeError: Error) => callback(error ?? closeError),
    );
  }

  private takeBuffer(): Buffer {
    if (this.sink && this.listenerCount('data') === 1) {
      const flushed = this.pushedBytes - this.readableLength - this.sink.writableLength;
      while (this.pushed.length > 0 && this.pushed[0].end <= flushed) {
        const { buffer } = this.pushed.shift()!;
        if (this.free.length < KEPT_BUFFERS) this.free.push(buffer);
      }
    }
    return this.free.pop() ?? Buffer.allocUnsafeSlow(CHUNK_BYTES);
  }
}

/** Lets `body` reuse its buffers once `sink` has flushed them, when it is a file stream. */
export function recycleAfter(body: Readable, sink: Writable): Readable {
  return body instanceof RecyclingFileStream ? body.recycleAfter(sink) : body;
}
