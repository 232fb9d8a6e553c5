import { AddressInfo } from 'node:net';
import { ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** One email as the test SMTP server received it. */
export interface ReceivedEmail {
  /** The envelope recipients (RCPT TO). */
  to: string[];
  mail: ParsedMail;
}

export interface TestSmtpServer {
  /** `smtp://127.0.0.1:<port>`, for SMTP_URL. */
  url: string;
  received: ReceivedEmail[];
  /** Emails received for `address` so far. */
  to(address: string): ReceivedEmail[];
  /** Refuses the next `count` messages at the end of DATA with `code` (4xx: try again later). */
  refuseNext(count: number, code?: number): void;
  /** How many messages were refused so far. */
  refused(): number;
  close(): Promise<void>;
}

/**
 * A real SMTP server in the test process (smtp-server), parsing what it receives (mailparser).
 * Plain SMTP without STARTTLS (its self-signed certificate would fail nodemailer's check) and
 * without authentication.
 */
export async function startSmtpServer(): Promise<TestSmtpServer> {
  const received: ReceivedEmail[] = [];
  let refuse = 0;
  let refuseCode = 451;
  let refusedCount = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (refuse > 0) {
          refuse -= 1;
          refusedCount += 1;
          const error = Object.assign(new Error('Try again later (test refusal)'), {
            responseCode: refuseCode,
          });
          callback(error);
          return;
        }
        simpleParser(Buffer.concat(chunks))
          .then((mail) => {
            received.push({ to: session.envelope.rcptTo.map((r) => r.address), mail });
            callback();
          })
          .catch((error: Error) => callback(error));
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    to: (address) => received.filter((email) => email.to.includes(address)),
    refuseNext(count, code = 451) {
      refuse = count;
      refuseCode = code;
    },
    refused: () => refusedCount,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
