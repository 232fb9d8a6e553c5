import {
  ForbiddenError,
  NotFoundError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
  ValidationFailedError,
} from '../common/errors/domain-errors';

/** Also answers for attachments of tasks the caller cannot see, so ids reveal nothing. */
export class AttachmentNotFoundError extends NotFoundError {
  constructor() {
    super('attachment not found');
  }
}

export class AttachmentForbiddenError extends ForbiddenError {}

export class AttachmentTooLargeError extends PayloadTooLargeError {
  constructor(maxBytes: number) {
    super(`file: the file is larger than ${maxBytes} bytes (ATTACHMENT_MAX_BYTES)`);
  }
}

export class NotMultipartError extends UnsupportedMediaTypeError {
  constructor() {
    super('Unsupported Content-Type: send multipart/form-data with the file in a part named file');
  }
}

export class MissingFilePartError extends ValidationFailedError {
  constructor(message = 'send the file in a multipart/form-data part named file') {
    super([{ field: 'file', message }], `file: ${message}`);
  }
}
