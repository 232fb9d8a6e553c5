import type { TaskResponseDto } from '../tasks/dto/task-response.dto';

/**
 * RFC 4180 CSV: CRLF line ends; a field holding a quote, comma, CR or LF is quoted with inner
 * quotes doubled; null is an empty field. The file starts with a UTF-8 byte order mark so that
 * spreadsheet programs (Excel above all) read the UTF-8 text, Chinese included, as UTF-8 rather
 * than in the machine's legacy code page; RFC 4180 readers that do not expect it see it only
 * in front of the first header name.
 */
export const CSV_BOM = '\uFEFF';
export const CSV_LINE_END = '\r\n';

export type CsvValue = string | number | null | undefined;

export function csvField(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvRow(values: readonly CsvValue[]): string {
  return values.map(csvField).join(',') + CSV_LINE_END;
}

/** The columns of a task export, in the order of the Task object in API.md. */
export const TASK_CSV_COLUMNS = [
  'id',
  'title',
  'description',
  'status',
  'priority',
  'user_id',
  'assignee_id',
  'due_date',
  'completed_at',
  'created_at',
  'updated_at',
] as const satisfies ReadonlyArray<keyof TaskResponseDto>;

/** The BOM and the header row. */
export function taskCsvHeader(): string {
  return CSV_BOM + csvRow(TASK_CSV_COLUMNS);
}

export function taskCsvRow(task: TaskResponseDto): string {
  return csvRow(TASK_CSV_COLUMNS.map((column) => task[column]));
}
