/**
 * The texts of task notifications, in one place so that the event consumer and the comment
 * edit path say the same. Titles are up to 200 characters and usernames 20; the message column
 * holds 500.
 */
function quoted(title: string): string {
  return `"${title}"`;
}

export const notificationMessages = {
  assigned: (title: string): string => `You were assigned the task ${quoted(title)}`,
  dueSoon: (title: string, dueDate: string | null): string =>
    `The task ${quoted(title)} is due at ${dueDate ?? 'its due date'}`,
  mentioned: (author: string, title: string): string =>
    `${author} mentioned you on ${quoted(title)}`,
  commented: (author: string, title: string): string => `${author} commented on ${quoted(title)}`,
};
