import { connect } from 'node:net';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Milliseconds from the connection until the server closed it. */
  closedAfterMs: number;
}

/** Splits one HTTP/1.1 response (as the bytes arrived) into status, headers and body. */
export function parseRawResponse(raw: string, closedAfterMs: number): RawResponse {
  const end = raw.indexOf('\r\n\r\n');
  if (end < 0) throw new Error(`no complete response in ${JSON.stringify(raw.slice(0, 200))}`);
  const [statusLine, ...lines] = raw.slice(0, end).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return {
    status: Number(statusLine.split(' ')[1]),
    headers,
    body: raw.slice(end + 4),
    closedAfterMs,
  };
}

/**
 * Sends bytes over a plain TCP connection, below any HTTP client's own checks (bad header
 * bytes, `..` in paths, huge headers), and resolves with what came back once the server closes
 * the connection (or after `timeoutMs`). `then` may keep writing, e.g. one byte at a time.
 */
export function rawExchange(
  port: number,
  request: string | Buffer,
  options: { timeoutMs?: number; then?: (write: (chunk: string) => boolean) => void } = {},
): Promise<RawResponse> {
  const startedAt = Date.now();
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the server kept the connection open for ${options.timeoutMs} ms`));
    }, options.timeoutMs ?? 5000);
    socket.on('connect', () => {
      socket.write(request);
      options.then?.((chunk) => !socket.destroyed && socket.write(chunk));
    });
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      try {
        resolve(parseRawResponse(Buffer.concat(chunks).toString('latin1'), Date.now() - startedAt));
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  });
}

/** A request with `Connection: close`, so that the exchange ends with the response. */
export function rawGet(path: string, extraHeaders = ''): string {
  return `GET ${path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n${extraHeaders}\r\n`;
}
