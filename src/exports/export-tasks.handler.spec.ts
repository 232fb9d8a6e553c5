import type { Job } from 'bullmq';
import { PermanentJobError } from '../jobs/job-handler';
import type { TaskResponseDto } from '../tasks/dto/task-response.dto';
import type { TaskExportReader } from '../tasks/listing/task-export.reader';
import type { ExportFilesRepository } from './export-files.repository';
import type { ExportTasksPayload } from './export-job';
import { ExportTasksHandler } from './export-tasks.handler';

const task = (id: number): TaskResponseDto => ({
  id,
  title: `t${id}`,
  description: '',
  status: 'pending',
  priority: 'medium',
  user_id: 1,
  project_id: 1,
  assignee_id: null,
  labels: [],
  due_date: null,
  completed_at: null,
  created_at: '2026-01-01T00:00:00.000Z',
  updated_at: '2026-01-01T00:00:00.000Z',
});

function setup(batches: TaskResponseDto[][], failAfter?: number) {
  const calls: string[] = [];
  const chunks: Buffer[] = [];
  const files = {
    purgeExpired: jest.fn(() => Promise.resolve(0)),
    deleteJob: jest.fn((id: string) => {
      calls.push(`delete ${id}`);
      return Promise.resolve();
    }),
    insertChunk: jest.fn((_id: string, _seq: number, data: Buffer) => {
      calls.push('chunk');
      chunks.push(data);
      return Promise.resolve();
    }),
    complete: jest.fn(() => {
      calls.push('complete');
      return Promise.resolve();
    }),
  };
  const reader = {
    viewer: jest.fn((userId: number) => Promise.resolve({ userId, projectIds: [1] })),
    count: jest.fn(() => Promise.resolve(batches.flat().length)),
    batches: async function* () {
      let served = 0;
      for (const batch of batches) {
        if (failAfter !== undefined && served >= failAfter) throw new Error('MySQL went away');
        served += 1;
        yield await Promise.resolve(batch);
      }
    },
  };
  const progress: number[] = [];
  const job = {
    id: 'export-1',
    timestamp: Date.UTC(2026, 0, 1),
    data: { userId: 1, format: 'json', filters: {} } as ExportTasksPayload,
    updateProgress: jest.fn((value: number) => {
      progress.push(value);
      return Promise.resolve();
    }),
  } as unknown as Job<ExportTasksPayload>;
  const handler = new ExportTasksHandler(
    reader as unknown as TaskExportReader,
    files as unknown as ExportFilesRepository,
  );
  return { handler, job, files, calls, chunks, progress };
}

describe(ExportTasksHandler.name, () => {
  it('should delete earlier partial output first, then store the file and report progress', async () => {
    const { handler, job, files, calls, chunks, progress } = setup([
      [task(1), task(2)],
      [task(3), task(4)],
    ]);
    await expect(handler.handle(job)).resolves.toEqual({ rows: 4, bytes: expect.any(Number) });
    expect(calls[0]).toBe('delete export-1');
    expect(calls[calls.length - 1]).toBe('complete');
    const text = Buffer.concat(chunks).toString('utf8');
    expect((JSON.parse(text) as TaskResponseDto[]).map((t) => t.id)).toEqual([1, 2, 3, 4]);
    expect(files.complete).toHaveBeenCalledWith(
      expect.objectContaining({ jobId: 'export-1', userId: 1, format: 'json', rowCount: 4 }),
    );
    expect(progress).toEqual([0, 50, 99, 100]);
    expect(files.purgeExpired).toHaveBeenCalledTimes(1);
  });

  it('should delete its partial output and rethrow when an attempt fails', async () => {
    const { handler, job, files, calls } = setup([[task(1)], [task(2)]], 1);
    await expect(handler.handle(job)).rejects.toThrow('MySQL went away');
    expect(files.complete).not.toHaveBeenCalled();
    expect(calls.filter((c) => c === 'delete export-1')).toHaveLength(2);
  });

  it('should fail for good on an unknown format', async () => {
    const { handler, job, files } = setup([]);
    job.data.format = 'xml' as ExportTasksPayload['format'];
    await expect(handler.handle(job)).rejects.toBeInstanceOf(PermanentJobError);
    expect(files.deleteJob).not.toHaveBeenCalled();
  });
});
