import type { TaskResponseDto } from '../tasks/dto/task-response.dto';
import { CSV_BOM, csvField, csvRow, taskCsvHeader, taskCsvRow } from './csv';

const task: TaskResponseDto = {
  id: 7,
  title: '完成项目文档',
  description: 'line 1\nline 2, "quoted"',
  status: 'pending',
  priority: 'high',
  user_id: 3,
  project_id: 1,
  assignee_id: null,
  due_date: null,
  completed_at: null,
  created_at: '2026-01-20T08:30:00.000Z',
  updated_at: '2026-01-21T08:30:00.000Z',
};

describe('csv', () => {
  it('should leave plain fields, numbers and Chinese text unquoted', () => {
    expect(csvField('hello world')).toBe('hello world');
    expect(csvField(42)).toBe('42');
    expect(csvField('完成项目文档')).toBe('完成项目文档');
  });

  it('should write null and undefined as empty fields', () => {
    expect(csvField(null)).toBe('');
    expect(csvField(undefined)).toBe('');
    expect(csvRow([null, 'a', undefined])).toBe(',a,\r\n');
  });

  it('should quote fields with commas, quotes, CR or LF and double inner quotes', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('a\nb')).toBe('"a\nb"');
    expect(csvField('a\rb')).toBe('"a\rb"');
    expect(csvField('"')).toBe('""""');
  });

  it('should end every row with CRLF', () => {
    expect(csvRow(['a', 'b'])).toBe('a,b\r\n');
  });

  it('should start with a BOM and the Task field names as header', () => {
    expect(taskCsvHeader()).toBe(
      `${CSV_BOM}id,title,description,status,priority,user_id,assignee_id,due_date,completed_at,created_at,updated_at\r\n`,
    );
  });

  it('should write a task in header order with nulls empty and special text quoted', () => {
    expect(taskCsvRow(task)).toBe(
      '7,完成项目文档,"line 1\nline 2, ""quoted""",pending,high,3,,,,' +
        '2026-01-20T08:30:00.000Z,2026-01-21T08:30:00.000Z\r\n',
    );
  });
});
