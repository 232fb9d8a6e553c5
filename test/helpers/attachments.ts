import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type TestAgent from 'supertest/lib/agent';
import type { Response, Test } from 'supertest';
import type { Session } from './factories';
import { TASKS } from './tasks';

export const ATTACHMENTS = '/api/v1/attachments';

export const attachmentsOf = (taskId: number): string => `${TASKS}/${taskId}/attachments`;
export const contentOf = (attachmentId: number): string => `${ATTACHMENTS}/${attachmentId}/content`;

export interface AttachmentJson {
  id: number;
  task_id: number;
  filename: string;
  content_type: string;
  size: number;
  sha256: string;
  uploaded_by: number;
  created_at: string;
}

export const ATTACHMENT_KEYS = [
  'content_type',
  'created_at',
  'filename',
  'id',
  'sha256',
  'size',
  'task_id',
  'uploaded_by',
];

/** POSTs `bytes` as the multipart part `field` (default `file`); no status expected. */
export function upload(
  http: TestAgent,
  user: Session,
  taskId: number,
  bytes: Buffer | string,
  { filename = 'notes.txt', contentType = 'text/plain', field = 'file' } = {},
): Test {
  return http
    .post(attachmentsOf(taskId))
    .set(user.auth)
    .attach(field, typeof bytes === 'string' ? Buffer.from(bytes) : bytes, {
      filename,
      contentType,
    });
}

/** Uploads and expects 201; the attachment's JSON. */
export async function uploaded(
  http: TestAgent,
  user: Session,
  taskId: number,
  bytes: Buffer | string,
  options?: Parameters<typeof upload>[4],
): Promise<AttachmentJson> {
  const res = await upload(http, user, taskId, bytes, options);
  if (res.status !== 201) throw new Error(`upload: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as AttachmentJson;
}

/** Collects a binary response body as a Buffer (supertest parses only text by default). */
export function binary(
  response: Response,
  callback: (error: Error | null, body: Buffer) => void,
): void {
  // In Node, superagent hands the parser the raw response stream.
  const res = response as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('end', () => callback(null, Buffer.concat(chunks)));
  res.on('error', (error: Error) => callback(error, Buffer.alloc(0)));
}

/** Every file under `dir`, relative paths, the incoming area included (`.incoming/...`). */
export async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath ?? entry.path, entry.name).slice(dir.length + 1))
    .sort();
}
