import { ChunkWriter } from './chunk-writer';
import { encoderFor } from './export-encoder';
import type { TaskResponseDto } from '../tasks/dto/task-response.dto';

describe(ChunkWriter.name, () => {
  it('should hand on chunks of at least the chunk size in order, and the rest on flush', async () => {
    const chunks: Array<[number, string]> = [];
    const writer = new ChunkWriter(4, (seq, data) => {
      chunks.push([seq, data.toString('utf8')]);
      return Promise.resolve();
    });
    await writer.write('ab');
    expect(chunks).toEqual([]);
    await writer.write('项'); // 3 bytes: 5 buffered
    await writer.write('cd');
    await writer.flush();
    await writer.flush();
    expect(chunks).toEqual([
      [0, 'ab项'],
      [1, 'cd'],
    ]);
    expect(writer.chunkCount).toBe(2);
    expect(writer.byteCount).toBe(Buffer.byteLength('ab项cd'));
  });

  it('should write nothing for empty text', async () => {
    const sink = jest.fn(() => Promise.resolve());
    const writer = new ChunkWriter(1, sink);
    await writer.write('');
    await writer.flush();
    expect(sink).not.toHaveBeenCalled();
    expect(writer.chunkCount).toBe(0);
  });
});

describe(encoderFor.name, () => {
  const task = { id: 1, title: 'a' } as TaskResponseDto;

  it('should write JSON as an array with items joined by commas', () => {
    const json = encoderFor('json');
    const text = json.head() + json.item(task, 0) + json.item(task, 1) + json.tail();
    expect(JSON.parse(text)).toEqual([task, task]);
    expect(json.head() + json.tail()).toBe('[]');
  });
});
