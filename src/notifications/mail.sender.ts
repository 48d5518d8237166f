import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import nodemailer, { type Transporter } from 'nodemailer';
import { Settings } from '../../config/settings.js';
import type { EmailPayload } from './outbox.service.js';

/** Sends e-mail over SMTP (nodemailer). The Message-ID derives from the outbox id, so a receiver can spot a resend. */
@Injectable()
export class MailSender implements OnModuleDestroy {
  private readonly transport: Transporter;

  constructor(private readonly settings: Settings) {
    this.transport = nodemailer.createTransport({
      url: settings.SMTP_URL,
      ignoreTLS: settings.SMTP_IGNORE_TLS,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    } as never);
  }

  async send(id: string, p: EmailPayload): Promise<void> {
    const domain = this.settings.MAIL_FROM.match(/@([^>\s]+)/)?.[1] ?? 'localhost';
    await this.transport.sendMail({
      from: this.settings.MAIL_FROM,
      to: p.to,
      cc: p.cc,
      subject: p.subject,
      text: p.text,
      html: p.html,
      messageId: `<${id}@${domain}>`,
      attachments: p.attachments?.map((a) => ({ filename: a.filename, contentType: a.contentType, content: Buffer.from(a.contentBase64, 'base64') })),
    });
  }

  onModuleDestroy(): void {
    this.transport.close();
  }
}
