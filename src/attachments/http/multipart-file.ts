import type { FastifyRequest } from 'fastify';
import '@fastify/multipart';
import {
  AttachmentTooLargeError,
  MissingFilePartError,
  NotMultipartError,
} from '../attachment.errors';
import type { IncomingFile, OpenIncomingFile } from '../domain/incoming-file';

/** The form field that carries the file (API.md "Attachments"). */
export const FILE_FIELD = 'file';

/** A 4xx that @fastify/multipart put on its error (limits: 413, a premature close: 400). */
function hasClientStatus(error: unknown): boolean {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 500;
}

/**
 * The `file` part of a multipart/form-data request, opened on demand, as a stream: the bytes
 * flow to storage as they arrive. Past `maxBytes` the stream fails with AttachmentTooLargeError
 * (busboy stops at the limit and would otherwise end the stream as if the file were complete).
 */
export function multipartFileOf(request: FastifyRequest, maxBytes: number): OpenIncomingFile {
  return async (): Promise<IncomingFile> => {
    if (!request.isMultipart()) throw new NotMultipartError();
    let part;
    try {
      // The first file part; text fields before it are skipped.
      part = await request.file();
    } catch (error) {
      if (hasClientStatus(error)) throw error;
      // busboy's own errors carry no status: a missing boundary, a body cut short.
      throw new MissingFilePartError('the multipart/form-data body is malformed');
    }
    if (!part) throw new MissingFilePartError();
    if (part.fieldname !== FILE_FIELD) {
      part.file.resume();
      throw new MissingFilePartError(
        `the file must be in a part named ${FILE_FIELD}, not ${JSON.stringify(part.fieldname.slice(0, 50))}`,
      );
    }
    const stream = part.file;
    stream.once('limit', () => stream.destroy(new AttachmentTooLargeError(maxBytes)));
    return { filename: part.filename, contentType: part.mimetype, stream };
  };
}
