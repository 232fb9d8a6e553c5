import type { TaskResponseDto } from '../tasks/dto/task-response.dto';
import { taskCsvHeader, taskCsvRow } from './csv';
import type { ExportFormat } from './export-job';

/** Turns a stream of tasks into the text of one file: a head, one piece per task, a tail. */
export interface ExportEncoder {
  head(): string;
  /** `index` counts the tasks from 0 (JSON needs a separator before all but the first). */
  item(task: TaskResponseDto, index: number): string;
  tail(): string;
}

const csvEncoder: ExportEncoder = {
  head: taskCsvHeader,
  item: (task) => taskCsvRow(task),
  tail: () => '',
};

/** A JSON array of Task objects, written item by item: `[`, items joined by `,`, `]`. */
const jsonEncoder: ExportEncoder = {
  head: () => '[',
  item: (task, index) => (index === 0 ? '' : ',') + JSON.stringify(task),
  tail: () => ']',
};

export function encoderFor(format: ExportFormat): ExportEncoder {
  return format === 'csv' ? csvEncoder : jsonEncoder;
}
