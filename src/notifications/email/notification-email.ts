import { escapeHtml, htmlDocument, htmlLink } from '../../mail/html';
import type { EmailContent } from '../../mail/outgoing-email';
import type { EmailedNotificationType } from '../settings/email-settings';

/** What a notification email shows. */
export interface NotificationEmailInput {
  type: EmailedNotificationType;
  recipientName: string;
  /** The notification's own sentence (who did what), as the in-app list shows it. */
  message: string;
  task: { id: number; title: string; due_date: string | null };
  taskUrl: string;
  unsubscribeUrl: string;
}

interface Wording {
  subject: (title: string) => string;
  /** Why the recipient gets this kind, for the footer. */
  reason: string;
  /** What the unsubscribe link stops. */
  kind: string;
}

/** One wording per emailed type: a new type does not compile until it has one. */
const WORDING: { readonly [T in EmailedNotificationType]: Wording } = {
  assigned: {
    subject: (title) => `You were assigned: ${title}`,
    reason: 'you were assigned this task',
    kind: 'assignment emails',
  },
  mentioned: {
    subject: (title) => `You were mentioned on: ${title}`,
    reason: 'you were mentioned in a comment on this task',
    kind: 'mention emails',
  },
  commented: {
    subject: (title) => `New comment on: ${title}`,
    reason: 'you created this task or are assigned to it',
    kind: 'comment emails',
  },
  due_soon: {
    subject: (title) => `Due soon: ${title}`,
    reason: 'you created this task or are assigned to it',
    kind: 'due-date reminder emails',
  },
};

/** Subjects are one line: a title never breaks the header, and very long ones are cut. */
function oneLine(text: string, max = 150): string {
  const flat = text.replace(/[\r\n\t]+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/**
 * The text and HTML parts of a notification email. Everything from users (title, names, the
 * message) is escaped in the HTML part; the text part carries it as is (UTF-8: Chinese titles
 * stay intact in both, and in the subject, which nodemailer encodes per RFC 2047).
 */
export function renderNotificationEmail(input: NotificationEmailInput): EmailContent {
  const wording = WORDING[input.type];
  const subject = oneLine(wording.subject(input.task.title));
  const due = input.task.due_date ? `Due: ${input.task.due_date}` : null;
  const text = [
    `Hello ${input.recipientName},`,
    '',
    input.message,
    '',
    `Task: ${input.task.title}`,
    ...(due ? [due] : []),
    `Open it: ${input.taskUrl}`,
    '',
    '--',
    `You get this email because ${wording.reason}.`,
    `Stop ${wording.kind}: ${input.unsubscribeUrl}`,
    '',
  ].join('\n');
  const html = htmlDocument(
    subject,
    [
      `<p>Hello ${escapeHtml(input.recipientName)},</p>`,
      `<p>${escapeHtml(input.message)}</p>`,
      `<p style="font-size: 18px;"><strong>${escapeHtml(input.task.title)}</strong></p>`,
      ...(due ? [`<p>${escapeHtml(due)}</p>`] : []),
      `<p>${htmlLink(input.taskUrl, 'Open the task')}</p>`,
    ].join('\n'),
    `You get this email because ${escapeHtml(wording.reason)}. ` +
      htmlLink(input.unsubscribeUrl, `Stop ${wording.kind}`),
  );
  return { subject, text, html, unsubscribeUrl: input.unsubscribeUrl };
}

/** `${PUBLIC_APP_URL}/tasks/{id}`: the front end's page of a task. */
export function taskUrl(publicAppUrl: string, taskId: number): string {
  return `${publicAppUrl}/tasks/${taskId}`;
}
