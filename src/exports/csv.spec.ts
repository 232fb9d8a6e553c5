import type { TaskResponseDto } from '../tasks/dto/task-response.dto';
import { csvRow, taskCsvHeader, taskCsvRow } from './csv';

const BOM = '\uFEFF';

const task: TaskResponseDto = {
  id: 7,
  title: '完成项目文档',
  description: 'line 1\nline 2, "quoted"',
  status: 'pending',
  priority: 'high',
  user_id: 3,
  project_id: 1,
  assignee_id: null,
  labels: [],
  due_date: null,
  completed_at: null,
  created_at: '2026-01-20T08:30:00.000Z',
  updated_at: '2026-01-21T08:30:00.000Z',
};

describe('csv', () => {
  it('should leave plain fields, numbers and Chinese text unquoted', () => {
    expect(csvRow(['hello world', 42, 0, '完成项目文档'])).toBe(
      'hello world,42,0,完成项目文档\r\n',
    );
  });

  it('should write null, undefined and the empty string as empty fields', () => {
    expect(csvRow([null, 'a', undefined])).toBe(',a,\r\n');
    expect(csvRow(['', 'a', ''])).toBe(',a,\r\n');
  });

  it('should quote fields with commas, quotes, CR or LF and double inner quotes', () => {
    expect(csvRow(['a,b'])).toBe('"a,b"\r\n');
    expect(csvRow(['say "hi"'])).toBe('"say ""hi"""\r\n');
    expect(csvRow(['a\nb'])).toBe('"a\nb"\r\n');
    expect(csvRow(['a\rb'])).toBe('"a\rb"\r\n');
    expect(csvRow(['a\r\nb'])).toBe('"a\r\nb"\r\n');
    expect(csvRow(['"'])).toBe('""""\r\n');
  });

  it.each([
    ['=HYPERLINK("http://evil.example","x")', `"'=HYPERLINK(""http://evil.example"",""x"")"`],
    ['=1+2', "'=1+2"],
    ['+1', "'+1"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tcmd', "'\tcmd"],
    ['\rcmd', `"'\rcmd"`],
    ['＝1+2', "'＝1+2"],
  ])('should prefix the formula-like text cell %j with a quote', (text, field) => {
    expect(csvRow([text, 'ok'])).toBe(`${field},ok\r\n`);
  });

  it('should leave text with formula characters further in, and negative numbers, as they are', () => {
    expect(csvRow(['a=1', 'x-y', ' =1', '1+1', "'=1", -5])).toBe("a=1,x-y, =1,1+1,'=1,-5\r\n");
  });

  it('should neutralise formulas in every text column of a task', () => {
    const row = taskCsvRow({
      ...task,
      title: '=cmd|" /C calc"!A0',
      description: '@SUM(1)',
      labels: [{ id: 1, name: '=1+1', color: '#808080' }],
    });
    expect(row).toBe(
      `7,"'=cmd|"" /C calc""!A0",'@SUM(1),pending,high,3,1,,'=1+1,,,` +
        '2026-01-20T08:30:00.000Z,2026-01-21T08:30:00.000Z\r\n',
    );
  });

  it('should join the label names with ; in one cell', () => {
    const labels = [
      { id: 2, name: 'bug', color: '#d73a4a' },
      { id: 1, name: '紧急, now', color: '#808080' },
    ];
    expect(taskCsvRow({ ...task, labels })).toContain(',3,1,,"bug;紧急, now",,,');
  });

  it('should end every row with CRLF', () => {
    expect(csvRow(['a', 'b'])).toBe('a,b\r\n');
  });

  it('should start with a BOM and the Task field names as header', () => {
    expect(taskCsvHeader()).toBe(
      `${BOM}id,title,description,status,priority,user_id,project_id,assignee_id,labels,due_date,completed_at,created_at,updated_at\r\n`,
    );
  });

  it('should write a task in header order with nulls empty and special text quoted', () => {
    expect(taskCsvRow(task)).toBe(
      '7,完成项目文档,"line 1\nline 2, ""quoted""",pending,high,3,1,,,,,' +
        '2026-01-20T08:30:00.000Z,2026-01-21T08:30:00.000Z\r\n',
    );
  });
});
