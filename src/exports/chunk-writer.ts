/**
 * Buffers text and hands it on as UTF-8 chunks of at least `chunkBytes` (the last one may be
 * smaller), so a file of any size is written with about one chunk in memory.
 */
export class ChunkWriter {
  private parts: string[] = [];
  private buffered = 0;
  private nextSeq = 0;
  private written = 0;

  constructor(
    private readonly chunkBytes: number,
    private readonly sink: (seq: number, data: Buffer) => Promise<void>,
  ) {}

  /** Chunks handed on so far. */
  get chunkCount(): number {
    return this.nextSeq;
  }

  /** Bytes handed on so far. */
  get byteCount(): number {
    return this.written;
  }

  async write(text: string): Promise<void> {
    if (text.length === 0) return;
    this.parts.push(text);
    this.buffered += Buffer.byteLength(text, 'utf8');
    if (this.buffered >= this.chunkBytes) await this.flush();
  }

  /** Hands on whatever is buffered (nothing when empty). */
  async flush(): Promise<void> {
    if (this.buffered === 0) return;
    const data = Buffer.from(this.parts.join(''), 'utf8');
    this.parts = [];
    this.buffered = 0;
    const seq = this.nextSeq;
    this.nextSeq += 1;
    this.written += data.length;
    await this.sink(seq, data);
  }
}
