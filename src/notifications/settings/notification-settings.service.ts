import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ValidationFailedError } from '../../common/errors/domain-errors';
import { deriveKey } from '../../common/crypto/derived-key';
import { AppConfigType, InjectAppConfig } from '../../config/app-config';
import { EMAIL_SETTING_OF, EMAIL_SETTINGS, EmailSetting, EmailSettings } from './email-settings';
import { NotificationSettingsRepository } from './notification-settings.repository';
import {
  signUnsubscribeToken,
  UnsubscribeTarget,
  verifyUnsubscribeToken,
} from './unsubscribe-token';

export class EmptySettingsUpdateError extends ValidationFailedError {
  constructor() {
    super(
      [{ field: 'body', message: `send at least one of ${EMAIL_SETTINGS.join(', ')}` }],
      'body: send at least one setting to change',
    );
  }
}

export class InvalidUnsubscribeTokenError extends ValidationFailedError {
  constructor() {
    super(
      [{ field: 'token', message: 'the unsubscribe link is invalid (altered or incomplete)' }],
      'token: the unsubscribe link is invalid',
    );
  }
}

/** The email switches of each user, and the signed one-click links that turn one off. */
@Injectable()
export class NotificationSettingsService {
  private readonly unsubscribeKey: Buffer;
  private readonly publicApiUrl: string;

  constructor(
    private readonly settings: NotificationSettingsRepository,
    @InjectAppConfig() config: AppConfigType,
  ) {
    this.unsubscribeKey = deriveKey(config.jwt.secret, 'unsubscribe-link');
    this.publicApiUrl = config.mail.publicApiUrl;
  }

  get(userId: number): Promise<EmailSettings> {
    return this.settings.forUser(userId);
  }

  update(userId: number, changes: Partial<EmailSettings>): Promise<EmailSettings> {
    const sent = EMAIL_SETTINGS.filter((key) => changes[key] !== undefined);
    if (sent.length === 0) throw new EmptySettingsUpdateError();
    return this.settings.update(
      userId,
      Object.fromEntries(sent.map((key) => [key, changes[key]])),
      new Date(),
    );
  }

  /** The settings of the recipients of new notifications, in the creating transaction. */
  forUsers(
    manager: EntityManager,
    userIds: readonly number[],
  ): Promise<Map<number, EmailSettings>> {
    return this.settings.forUsers(manager, userIds);
  }

  /** `${PUBLIC_API_URL}/api/v1/unsubscribe?token=…`: the List-Unsubscribe link of an email. */
  unsubscribeUrl(target: UnsubscribeTarget): string {
    const token = signUnsubscribeToken(this.unsubscribeKey, target);
    return `${this.publicApiUrl}/api/v1/unsubscribe?token=${encodeURIComponent(token)}`;
  }

  /** What a token would turn off (for the confirmation page); 400 when it is not genuine. */
  settingOf(token: string): EmailSetting {
    return this.verified(token).setting;
  }

  /** Turns off the kind of email the token names, without a sign-in (RFC 8058 one-click). */
  async unsubscribe(token: string): Promise<EmailSetting> {
    const { userId, setting } = this.verified(token);
    try {
      await this.settings.update(userId, { [setting]: false }, new Date());
    } catch (error) {
      // The user is gone (its settings row has nothing to reference): nothing will be sent.
      if ((error as { code?: unknown }).code !== 'ER_NO_REFERENCED_ROW_2') throw error;
    }
    return setting;
  }

  private verified(token: string): { userId: number; setting: EmailSetting } {
    const target = verifyUnsubscribeToken(this.unsubscribeKey, token);
    const setting = target && EMAIL_SETTING_OF[target.type];
    if (!target || !setting) throw new InvalidUnsubscribeTokenError();
    return { userId: target.userId, setting };
  }
}
