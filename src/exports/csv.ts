import { Options, stringify } from 'csv-stringify/sync';
import type { TaskResponseDto } from '../tasks/dto/task-response.dto';

/**
 * RFC 4180 CSV written by csv-stringify one record at a time (so an export streams in keyset
 * batches): CRLF line ends; a field holding a quote, comma, CR or LF is quoted with inner quotes
 * doubled; null is an empty field. The file starts with a UTF-8 byte order mark so that
 * spreadsheet programs (Excel above all) read the UTF-8 text, Chinese included, as UTF-8 rather
 * than in the machine's legacy code page; RFC 4180 readers that do not expect it see it only
 * in front of the first header name.
 *
 * A text cell starting with `=`, `+`, `-`, `@`, tab or CR (or the full-width `＝＋－＠`, which
 * Apple Numbers reads as formulas too) is prefixed with `'`, so a spreadsheet shows it as text
 * instead of running it (OWASP CSV injection guidance; numbers are left alone).
 */
const CSV_OPTIONS: Options = {
  eof: true,
  record_delimiter: 'windows',
  // Once record_delimiter is set, csv-stringify quotes a lone CR or LF only when told to.
  quote_record_delimiter: true,
  escape_formulas: true,
};

export type CsvValue = string | number | null | undefined;

export function csvRow(values: readonly CsvValue[]): string {
  return stringify([values], CSV_OPTIONS);
}

/** The columns of a task export, in the order of the Task object in API.md. */
export const TASK_CSV_COLUMNS = [
  'id',
  'title',
  'description',
  'status',
  'priority',
  'user_id',
  'project_id',
  'assignee_id',
  'labels',
  'due_date',
  'completed_at',
  'created_at',
  'updated_at',
] as const satisfies ReadonlyArray<keyof TaskResponseDto>;

/** The BOM and the header row. */
export function taskCsvHeader(): string {
  return stringify([TASK_CSV_COLUMNS], { ...CSV_OPTIONS, bom: true });
}

/** `labels` is one cell: the names joined by `;` (in the task's order, by name). */
export function taskCsvRow(task: TaskResponseDto): string {
  return csvRow(
    TASK_CSV_COLUMNS.map((column) =>
      column === 'labels' ? task.labels.map((label) => label.name).join(';') : task[column],
    ),
  );
}
