import type { NotificationType } from '../dto/notification-response.dto';

/** The switches of `notification-settings`, as the API names them. */
export const EMAIL_SETTINGS = [
  'email_assigned',
  'email_mentioned',
  'email_commented',
  'email_due_soon',
] as const;
export type EmailSetting = (typeof EMAIL_SETTINGS)[number];

export type EmailSettings = Record<EmailSetting, boolean>;

export const DEFAULT_EMAIL_SETTINGS: Readonly<EmailSettings> = {
  email_assigned: true,
  email_mentioned: true,
  email_commented: true,
  email_due_soon: true,
};

/**
 * Which switch governs the email of each notification type; null: that type sends no email.
 * A Record over every type, so a new notification type does not compile until it says whether
 * (and under which switch) it is emailed.
 */
export const EMAIL_SETTING_OF = {
  assigned: 'email_assigned',
  mentioned: 'email_mentioned',
  commented: 'email_commented',
  due_soon: 'email_due_soon',
  project_added: null,
} as const satisfies { readonly [T in NotificationType]: EmailSetting | null };

/** The notification types that are emailed. */
export type EmailedNotificationType = {
  [T in NotificationType]: (typeof EMAIL_SETTING_OF)[T] extends null ? never : T;
}[NotificationType];

export function isEmailed(type: NotificationType): type is EmailedNotificationType {
  return EMAIL_SETTING_OF[type] !== null;
}
