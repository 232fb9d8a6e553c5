/** The username rule of registration (API.md, Auth): 3-20 letters, digits, `_` or `-`. */
export const USERNAME_PATTERN = /^[A-Za-z0-9_-]{3,20}$/;
const MAX_LENGTH = 20;

/**
 * A valid username made from what the provider calls the user (`preferred_username`, else the
 * email's local part): accents dropped (`José` → `Jose`), every other character outside the
 * rule turned into `_`, cut to 20, and padded when shorter than 3. Never empty.
 */
export function baseUsername(preferred: string | undefined, email: string | undefined): string {
  for (const source of [preferred, email?.split('@')[0]]) {
    const cleaned = (source ?? '')
      .normalize('NFKD')
      .replace(/\p{M}/gu, '')
      .replace(/[^A-Za-z0-9_-]+/g, '_')
      .replace(/^[_-]+|[_-]+$/g, '')
      .slice(0, MAX_LENGTH);
    if (cleaned.length >= 3) return cleaned;
    if (cleaned.length > 0) return `${cleaned}_user`;
  }
  return 'user';
}

/**
 * The `attempt`-th candidate for a user whose base name is taken: `base`, then `base_2`,
 * `base_3`… with the base cut so the suffix fits in 20 characters.
 */
export function usernameCandidate(base: string, attempt: number, random?: string): string {
  if (attempt === 0) return base;
  const suffix = `_${random ?? attempt + 1}`;
  return `${base.slice(0, MAX_LENGTH - suffix.length)}${suffix}`;
}
