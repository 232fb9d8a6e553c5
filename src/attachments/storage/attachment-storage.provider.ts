import type { Provider } from '@nestjs/common';
import { appConfig, AppConfigType } from '../../config/app-config';
import { ATTACHMENT_STORAGE, AttachmentStorage } from './attachment-storage';
import { LocalAttachmentStorage } from './local-attachment.storage';

/** The storage ATTACHMENT_STORAGE names. */
export const attachmentStorageProvider: Provider = {
  provide: ATTACHMENT_STORAGE,
  inject: [appConfig.KEY],
  useFactory: async (config: AppConfigType): Promise<AttachmentStorage> => {
    const { storage, dir, s3 } = config.attachments;
    if (storage === 's3' && s3) {
      // Loaded only when chosen: the AWS SDK is large, and a local deployment needs none of it.
      const { S3AttachmentStorage } = await import('./s3-attachment.storage');
      return new S3AttachmentStorage(s3);
    }
    return LocalAttachmentStorage.open(dir);
  },
};
