/**
 * Citizens' mail comes in through an SMTP listener of the application's own (smtp-server), not by polling an IMAP
 * mailbox.
 *
 * Why: the organisation's mail relay already queues and retries; it forwards the hotline's addresses
 * (MAIL_INBOUND_ADDRESSES) to this listener (a transport map / smarthost on MAIL_INBOUND_HOST:MAIL_INBOUND_PORT).
 * The SMTP answer is the acknowledgement: we say 250 only after the ticket (or the added message, with its
 * attachments) is committed, so a crash, a database outage or a restart loses nothing: the relay keeps the mail and
 * delivers it again, and the Message-ID makes that redelivery a no-op. Polling IMAP would need a mailbox, a password
 * in the settings, a poll interval (slower intake), and our own bookkeeping of which messages were taken in
 * (\Seen flags or UIDs that a person reading the mailbox can disturb); nothing would be gained in safety, since the
 * mailbox is just another copy of what the relay already guarantees.
 *
 * The listener sits on the internal network behind the relay: no AUTH, and no STARTTLS (smtp-server's built-in
 * certificate has expired and a relay doing opportunistic TLS would fail on it; put TLS on the relay's side). It
 * refuses other recipients at RCPT (550), messages over a few times UPLOAD_MAX_BYTES (552), and answers 451 (try
 * again later) when taking a mail in fails for a reason that may pass.
 */
import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import { Settings } from '../../../config/settings.js';
import { AppError } from '../../common/errors.js';
import { InboundMailService, MailRejection } from './inbound-mail.service.js';
import { addressSet } from './mail-text.js';

/** Largest message accepted, as a multiple of UPLOAD_MAX_BYTES (base64 makes a file a third larger; a few files). */
export const MESSAGE_SIZE_FACTOR = 4;

type SmtpError = Error & { responseCode?: number };
const smtpError = (responseCode: number, message: string): SmtpError => Object.assign(new Error(message), { responseCode });

@Injectable()
export class MailListener implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(MailListener.name);
  private server: SMTPServer | null = null;

  constructor(private readonly settings: Settings, private readonly mail: InboundMailService) {}

  async onApplicationBootstrap(): Promise<void> {
    const { MAIL_INBOUND_PORT: port, MAIL_INBOUND_HOST: host } = this.settings;
    if (!port) return;
    const accepted = addressSet(this.settings.MAIL_INBOUND_ADDRESSES);
    const server = new SMTPServer({
      banner: 'Tong dai 1022',
      size: this.settings.UPLOAD_MAX_BYTES * MESSAGE_SIZE_FACTOR,
      rejectOversized: true,
      authOptional: true,
      disabledCommands: ['AUTH', 'STARTTLS'],
      disableReverseLookup: true,
      logger: false,
      maxClients: 100,
      closeTimeout: 10_000,
      onRcptTo: (address, _session, callback) => {
        if (accepted.has(address.address.toLowerCase())) return callback();
        callback(smtpError(550, `Mailbox unavailable: no such recipient here <${address.address}>`));
      },
      onData: (stream, session, callback) => this.onData(stream, session, callback),
    });
    server.on('error', (e) => this.logger.error(`SMTP listener: ${e.message}`));
    await new Promise<void>((done, fail) => {
      const failed = (e: Error) => fail(new Error(`The mail listener cannot listen on ${host}:${port} (MAIL_INBOUND_HOST/MAIL_INBOUND_PORT): ${e.message}`));
      server.server.once('error', failed);
      server.listen(port, host, () => {
        server.server.off('error', failed);
        done();
      });
    });
    this.server = server;
    this.logger.log(`receiving mail for ${[...accepted].join(', ')} on smtp://${host}:${port}`);
  }

  /** Stops taking connections; sessions under way get up to closeTimeout to finish (the database is still open). */
  async onModuleDestroy(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((done) => server.close(() => done()));
  }

  private onData(stream: SMTPServerDataStream, session: SMTPServerSession, reply: (err?: Error | null, message?: string) => void): void {
    let answered = false;
    const callback = (err: Error | null, message?: string) => {
      if (answered) return;
      answered = true;
      reply(err, message);
    };
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => {
      if (!stream.sizeExceeded) chunks.push(chunk);
    });
    stream.once('error', (e) => callback(smtpError(451, `Error while receiving the message: ${e.message}`)));
    stream.once('end', () => {
      if (stream.sizeExceeded) {
        callback(smtpError(552, `Message exceeds the maximum size of ${this.settings.UPLOAD_MAX_BYTES * MESSAGE_SIZE_FACTOR} bytes`));
        return;
      }
      const envelope = {
        mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
        rcptTo: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
      };
      this.mail.accept(Buffer.concat(chunks), envelope).then(
        (r) => callback(null, r.outcome === 'ignored' ? 'OK: automatic message, not taken in' : `OK: ${r.outcome} ${r.ticketCode}`),
        (e: unknown) => {
          if (e instanceof MailRejection) return callback(smtpError(e.responseCode, e.message));
          // a complaint the ticket rules refuse will not pass on a retry either; anything else may (database, disk)
          if (e instanceof AppError && e.status < 500) {
            this.logger.warn(`mail refused: ${e.message}`);
            return callback(smtpError(554, 'The message could not be taken in'));
          }
          this.logger.error(`mail not taken in, the relay will retry: ${e instanceof Error ? e.stack : String(e)}`);
          callback(smtpError(451, 'Temporary failure, please try again later'));
        },
      );
    });
  }
}
