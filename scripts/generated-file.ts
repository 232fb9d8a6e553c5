import { readFileSync } from 'node:fs';

/** The committed text of a generated file, or '' when it is missing (then it is stale too). */
export function readOrEmpty(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
