import type { FastifyReply } from 'fastify';
import type { AttachmentDownload } from '../attachments.service';
import { recycleAfter } from '../storage/recycling-file-stream';
import { attachmentDisposition } from './content-disposition';

/** Writes a download (200, 206 or 304) with its headers and streams the bytes. */
export function sendDownload(reply: FastifyReply, download: AttachmentDownload): FastifyReply {
  const { attachment, etag, range } = download;
  void reply
    .code(download.status)
    .header('ETag', etag)
    .header('Accept-Ranges', 'bytes')
    .header('X-Content-Type-Options', 'nosniff')
    .header('Content-Disposition', attachmentDisposition(attachment.filename));
  if (download.status === 304 || !download.body) return reply.send();
  const length = range ? range.end - range.start + 1 : attachment.size;
  if (range)
    void reply.header('Content-Range', `bytes ${range.start}-${range.end}/${attachment.size}`);
  return reply
    .header('Content-Type', attachment.content_type)
    .header('Content-Length', String(length))
    .send(recycleAfter(download.body, reply.raw));
}
