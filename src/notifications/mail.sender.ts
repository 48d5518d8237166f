import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import nodemailer, { type Transporter } from 'nodemailer';
import { Settings } from '../../config/settings.js';
import { CaughtMails } from './caught-mails.js';
import type { EmailPayload } from './outbox.service.js';

/**
 * Sends e-mail over SMTP (nodemailer). The Message-ID derives from the outbox id, so a receiver can spot a resend.
 * With MAIL_CATCHER (the embedded set-up with no SMTP server) the same message is built by nodemailer's stream
 * transport and kept whole in `caught_mails` instead, and counts as sent.
 */
@Injectable()
export class MailSender implements OnModuleDestroy {
  private readonly logger = new Logger(MailSender.name);
  private readonly transport: Transporter;
  private readonly catching: boolean;

  constructor(private readonly settings: Settings, private readonly caught: CaughtMails) {
    this.catching = settings.MAIL_CATCHER === true;
    this.transport = this.catching
      ? nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' })
      : nodemailer.createTransport({
        url: settings.SMTP_URL,
        ignoreTLS: settings.SMTP_IGNORE_TLS,
        connectionTimeout: 10_000,
        greetingTimeout: 10_000,
        socketTimeout: 30_000,
      } as never);
    if (this.catching) this.logger.log('MAIL_CATCHER: outgoing e-mail is kept in the application (/quan-tri/thu), not sent');
  }

  async send(id: string, p: EmailPayload): Promise<void> {
    const domain = this.settings.MAIL_FROM.match(/@([^>\s]+)/)?.[1] ?? 'localhost';
    const info = await this.transport.sendMail({
      from: this.settings.MAIL_FROM,
      to: p.to,
      cc: p.cc,
      subject: p.subject,
      text: p.text,
      html: p.html,
      messageId: `<${id}@${domain}>`,
      attachments: p.attachments?.map((a) => ({ filename: a.filename, contentType: a.contentType, content: Buffer.from(a.contentBase64, 'base64') })),
    });
    if (this.catching) {
      await this.caught.store(id, [...p.to, ...(p.cc ?? [])], p.subject, p.attachments?.length ?? 0, (info as unknown as { message: Buffer }).message);
    }
  }

  onModuleDestroy(): void {
    this.transport.close();
  }
}
