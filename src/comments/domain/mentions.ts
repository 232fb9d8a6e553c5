/** At most this many distinct usernames of one body are looked up (GitHub stops at 50 too). */
export const MAX_MENTIONS = 50;

/**
 * `@username` with the registration rule's characters (3–20 of letters, digits, `_`, `-`; see
 * RegisterDto). The `@` must not follow an ASCII character that would make it part of a word,
 * an email address (`bob@example.com`) or a path (`/@bob`); any other character may precede it,
 * so Chinese text without spaces (`请@bob看看`) mentions. The name must not run on past 20
 * characters, or it would mention a shorter, different user.
 */
const MENTION = /(?<![A-Za-z0-9_\-@./])@([A-Za-z0-9_-]{3,20})(?![A-Za-z0-9_-])/g;

/**
 * The usernames `body` mentions, lower-cased (usernames match case-insensitively), without
 * repeats, in order of first appearance, at most MAX_MENTIONS.
 */
export function mentionedUsernames(body: string): string[] {
  const names = new Set<string>();
  for (const match of body.matchAll(MENTION)) {
    names.add(match[1].toLowerCase());
    if (names.size === MAX_MENTIONS) break;
  }
  return [...names];
}

/**
 * The ids of the mentioned users who may be told (those who can see the task), in the order the
 * body names them. `users` are the users found by name (case-insensitive), `maySee` who can
 * see the task.
 */
export function resolveMentions(
  names: readonly string[],
  users: ReadonlyArray<{ id: number; username: string }>,
  maySee: (userId: number) => boolean,
): number[] {
  const byName = new Map(users.map((user) => [user.username.toLowerCase(), user.id]));
  const ids: number[] = [];
  for (const name of names) {
    const id = byName.get(name);
    if (id !== undefined && maySee(id) && !ids.includes(id)) ids.push(id);
  }
  return ids;
}
