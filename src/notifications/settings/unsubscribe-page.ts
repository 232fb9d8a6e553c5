import { escapeHtml, htmlDocument } from '../../mail/html';
import type { EmailSetting } from './email-settings';

const KIND_NAMES: Record<EmailSetting, string> = {
  email_assigned: 'emails when you are assigned a task',
  email_mentioned: 'emails when someone mentions you',
  email_commented: 'emails about comments on your tasks',
  email_due_soon: 'due-date reminder emails',
};

/** The confirmation page of an unsubscribe link: one button that POSTs to the same URL. */
export function unsubscribePage(setting: EmailSetting, token: string): string {
  const action = `?token=${encodeURIComponent(token)}`;
  return htmlDocument(
    'Unsubscribe',
    [
      '<h1 style="font-size: 20px;">Unsubscribe</h1>',
      `<p>Stop ${escapeHtml(KIND_NAMES[setting])}? You can turn them on again in your notification settings.</p>`,
      `<form method="post" action="${escapeHtml(action)}">`,
      '<input type="hidden" name="List-Unsubscribe" value="One-Click">',
      '<button type="submit">Unsubscribe</button>',
      '</form>',
    ].join('\n'),
  );
}
