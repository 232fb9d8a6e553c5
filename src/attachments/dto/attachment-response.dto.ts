import { ApiProperty } from '@nestjs/swagger';
import type { Attachment } from '../attachment.entity';

export class AttachmentResponseDto {
  @ApiProperty({ type: 'integer', example: 12 })
  id!: number;

  @ApiProperty({ type: 'integer', example: 42 })
  task_id!: number;

  @ApiProperty({
    description:
      'The uploaded file name without any directory part (`../../etc/passwd` is stored as ' +
      '`passwd`), control and invisible formatting characters removed, at most 255 characters',
    example: '项目计划.pdf',
  })
  filename!: string;

  @ApiProperty({
    description: 'The type the uploader sent, or `application/octet-stream`',
    example: 'application/pdf',
  })
  content_type!: string;

  @ApiProperty({ type: 'integer', description: 'Bytes', example: 482133 })
  size!: number;

  @ApiProperty({
    description: "SHA-256 of the bytes, lower-case hex (the download's ETag)",
    example: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
    pattern: '^[0-9a-f]{64}$',
  })
  sha256!: string;

  @ApiProperty({ type: 'integer', description: 'Id of the user who uploaded it', example: 7 })
  uploaded_by!: number;

  @ApiProperty({ format: 'date-time', example: '2026-02-01T09:30:00.000Z' })
  created_at!: string;
}

export function toAttachmentResponse(row: Attachment): AttachmentResponseDto {
  return {
    id: row.id,
    task_id: row.taskId,
    filename: row.filename,
    content_type: row.contentType,
    size: row.size,
    sha256: row.sha256,
    uploaded_by: row.uploadedBy,
    created_at: row.createdAt.toISOString(),
  };
}
