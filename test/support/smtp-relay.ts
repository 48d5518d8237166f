/** Stands in for the organisation's outgoing mail relay: a real SMTP server (smtp-server) keeping every message it accepts, parsed by mailparser. */
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export class SmtpRelay {
  /** What arrived, in order: the envelope's recipients and the parsed message. */
  readonly received: Array<{ rcptTo: string[]; mail: ParsedMail }> = [];
  private readonly server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    authOptional: true,
    logger: false,
    disableReverseLookup: true,
    onData: (stream, session, callback) => {
      simpleParser(stream).then((mail) => {
        this.received.push({ rcptTo: session.envelope.rcptTo.map((r) => r.address), mail });
        callback();
      }, callback);
    },
  });
  port = 0;
  /** SMTP_URL for the app. */
  url = '';

  async start(): Promise<this> {
    await new Promise<void>((done) => this.server.listen(0, '127.0.0.1', done));
    this.port = (this.server.server.address() as AddressInfo).port;
    this.url = `smtp://127.0.0.1:${this.port}`;
    return this;
  }

  /** The parsed messages alone, in order of arrival. */
  get mails(): ParsedMail[] {
    return this.received.map((r) => r.mail);
  }

  close(): Promise<void> {
    return new Promise((done) => this.server.close(() => done()));
  }
}
