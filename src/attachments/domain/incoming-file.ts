import type { Readable } from 'node:stream';

/** A file as a request carries it: the names the client gave and its bytes, not yet read. */
export interface IncomingFile {
  filename: string | undefined;
  contentType: string | undefined;
  /** Fails with AttachmentTooLargeError past ATTACHMENT_MAX_BYTES. */
  stream: Readable;
}

/**
 * Opens the request's file. Called only once the caller may upload, so that a refused request
 * is answered before its body is read.
 */
export type OpenIncomingFile = () => Promise<IncomingFile>;
