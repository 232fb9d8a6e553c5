import { EMAIL_SETTING_OF, EmailedNotificationType } from '../settings/email-settings';
import { renderNotificationEmail, taskUrl } from './notification-email';

const base = {
  recipientName: 'bob',
  task: { id: 42, title: '完成项目文档 <script>alert("x")</script> & more', due_date: null },
  taskUrl: taskUrl('https://app.example.com', 42),
  unsubscribeUrl: 'https://api.example.com/api/v1/unsubscribe?token=2.assigned.sig&x="y"',
};

describe(renderNotificationEmail.name, () => {
  it.each<[EmailedNotificationType, string, string]>([
    ['assigned', 'You were assigned: ', 'Stop assignment emails'],
    ['mentioned', 'You were mentioned on: ', 'Stop mention emails'],
    ['commented', 'New comment on: ', 'Stop comment emails'],
    ['due_soon', 'Due soon: ', 'Stop due-date reminder emails'],
  ])(
    'should render a %s email with the title intact in text and escaped in HTML',
    (type, prefix, stop) => {
      const message = 'alice said: <b>look</b> @bob';
      const email = renderNotificationEmail({ ...base, type, message });
      expect(email.subject).toBe(`${prefix}${base.task.title}`);
      expect(email.text).toContain(`Task: ${base.task.title}`);
      expect(email.text).toContain(message);
      expect(email.text).toContain('Open it: https://app.example.com/tasks/42');
      expect(email.text).toContain(`${stop}: ${base.unsubscribeUrl}`);
      expect(email.html).toContain(
        '完成项目文档 &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more',
      );
      expect(email.html).toContain('alice said: &lt;b&gt;look&lt;/b&gt; @bob');
      expect(email.html).not.toContain('<script>');
      expect(email.html).not.toContain('<b>look');
      expect(email.html).toContain('href="https://app.example.com/tasks/42"');
      // The unsubscribe URL is escaped as an attribute value.
      expect(email.html).toContain(
        'href="https://api.example.com/api/v1/unsubscribe?token=2.assigned.sig&amp;x=&quot;y&quot;"',
      );
      expect(email.unsubscribeUrl).toBe(base.unsubscribeUrl);
    },
  );

  it('should show the due date when there is one', () => {
    const email = renderNotificationEmail({
      ...base,
      type: 'due_soon',
      message: 'The task is due',
      task: { ...base.task, due_date: '2026-03-01T12:00:00.000Z' },
    });
    expect(email.text).toContain('Due: 2026-03-01T12:00:00.000Z');
    expect(email.html).toContain('Due: 2026-03-01T12:00:00.000Z');
  });

  it('should keep the subject on one line and bounded', () => {
    const email = renderNotificationEmail({
      ...base,
      type: 'assigned',
      message: 'm',
      task: { ...base.task, title: `line one\r\nBcc: evil@example.com ${'长'.repeat(300)}` },
    });
    expect(email.subject).not.toMatch(/[\r\n]/);
    expect(email.subject.length).toBeLessThanOrEqual(150);
    expect(email.subject.endsWith('…')).toBe(true);
  });

  it('should have a switch for every emailed type and none for project_added', () => {
    expect(EMAIL_SETTING_OF).toEqual({
      assigned: 'email_assigned',
      mentioned: 'email_mentioned',
      commented: 'email_commented',
      due_soon: 'email_due_soon',
      project_added: null,
    });
  });
});
