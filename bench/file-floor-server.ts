/**
 * The download "floor" of scenario A2 (issue 13): one bare Fastify route that streams a file
 * from disk with `fs.createReadStream`, no framework around it, no auth, no database, so that
 * the report can say how much of a plain file server's throughput the service's
 * `GET /attachments/{id}/content` reaches on the same machine, in the same run.
 *
 * `GET /file` streams FLOOR_FILE (the bytes the harness uploads to the service) with the
 * headers a download needs (type, length, disposition); `GET /health` answers 200.
 * Started and stopped by bench/run.ts (PORT, FLOOR_FILE from the environment).
 */
import Fastify from 'fastify';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';

async function main(): Promise<void> {
  const file = process.env.FLOOR_FILE;
  const port = Number(process.env.PORT);
  if (!file || !Number.isInteger(port)) throw new Error('FLOOR_FILE and PORT are required');
  // Read once: the file does not change while the floor runs.
  const { size } = await stat(file);
  const app = Fastify({ logger: false });
  app.get('/health', (_request, reply) => reply.send({ status: 'ok' }));
  app.get('/file', (_request, reply) =>
    reply
      .header('Content-Type', 'application/octet-stream')
      .header('Content-Length', String(size))
      .header('Content-Disposition', 'attachment; filename="bench.bin"')
      .send(createReadStream(file)),
  );
  const close = (): void => {
    app
      .close()
      .then(() => process.exit(0))
      .catch(() => process.exit(1));
  };
  process.once('SIGTERM', close);
  process.once('SIGINT', close);
  await app.listen({ port, host: '127.0.0.1' });
  console.log(`file floor listening on ${port}, serving ${file} (${size} bytes)`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
