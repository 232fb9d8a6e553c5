import { escapeHtml, htmlDocument, htmlLink } from '../../mail/html';
import type { EmailContent } from '../../mail/outgoing-email';

/** The password reset email: the link, how long it works, and what to do if unasked. */
export function renderPasswordResetEmail(input: {
  username: string;
  link: string;
  validMinutes: number;
}): EmailContent {
  const subject = 'Reset your password';
  const text = [
    `Hello ${input.username},`,
    '',
    'Someone (hopefully you) asked to reset the password of your account.',
    `Open this link within ${input.validMinutes} minutes to choose a new one:`,
    '',
    input.link,
    '',
    'The link works once. If you did not ask for it, ignore this email: your password stays as it is.',
    '',
  ].join('\n');
  const html = htmlDocument(
    subject,
    [
      `<p>Hello ${escapeHtml(input.username)},</p>`,
      '<p>Someone (hopefully you) asked to reset the password of your account. ' +
        `Open this link within ${input.validMinutes} minutes to choose a new one:</p>`,
      `<p>${htmlLink(input.link, 'Choose a new password')}</p>`,
      `<p style="font-size: 12px; color: #656d76;">${escapeHtml(input.link)}</p>`,
      '<p>The link works once. If you did not ask for it, ignore this email: your password stays as it is.</p>',
    ].join('\n'),
  );
  return { subject, text, html };
}
