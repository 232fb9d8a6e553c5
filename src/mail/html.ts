/** Escapes text for HTML element content and double-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * The HTML part of every email: a small, inline-styled document (mail clients drop <style>
 * and scripts). `body` must already be escaped HTML; `footer` too.
 */
export function htmlDocument(title: string, body: string, footer = ''): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title></head>`,
    '<body style="font-family: -apple-system, Segoe UI, Helvetica, Arial, sans-serif; line-height: 1.5; color: #1f2328;">',
    body,
    footer
      ? `<hr style="border: none; border-top: 1px solid #d0d7de;"><p style="font-size: 12px; color: #656d76;">${footer}</p>`
      : '',
    '</body></html>',
  ].join('\n');
}

/** A link whose URL and text are both escaped. */
export function htmlLink(url: string, text: string): string {
  return `<a href="${escapeHtml(url)}">${escapeHtml(text)}</a>`;
}
