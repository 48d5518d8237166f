import { Injectable, Logger } from '@nestjs/common';
import type { Attachment as MailAttachment } from 'mailparser';
import { parseMail } from '../../common/parse-mail.js';
import { Settings } from '../../../config/settings.js';
import { StoredAttachments } from '../../attachments/stored-attachments.service.js';
import { Clock } from '../../common/clock.js';
import { IntakeService, type InboundMessage, type IntakeOutcome } from '../intake.service.js';
import { safeFilename } from '../../attachments/safe-filename.js';
import { addressOf, addressSet, automaticMailReason, MAX_CONTENT_CHARS, mailExternalId, stripQuotedReply } from './mail-text.js';

/** The SMTP envelope of a mail, as the listener received it. */
export interface MailEnvelope {
  /** MAIL FROM; '' for the null reverse path (bounces), null when unknown. */
  mailFrom: string | null;
  rcptTo: string[];
}

export type MailOutcome = IntakeOutcome | { outcome: 'ignored'; reason: string };

/** A refusal the sending server must not retry (5xx); anything else thrown is a temporary failure (4xx). */
export class MailRejection extends Error {
  constructor(readonly responseCode: number, message: string) {
    super(message);
  }
}

interface KeptFile {
  part: MailAttachment;
  filename: string | null;
}

/**
 * Turns one received mail into one InboundMessage for IntakeService.receive, in a transaction: a new complaint, a
 * reply joining the ticket named in the subject, or (same Message-ID again) nothing. Attached files are kept in the
 * attachment store and recorded as Attachment rows in the same transaction (StoredAttachments.transaction), so a
 * mail that fails leaves nothing and the relay's retry starts clean.
 */
@Injectable()
export class InboundMailService {
  private readonly logger = new Logger(InboundMailService.name);
  private readonly ownAddresses: ReadonlySet<string>;

  constructor(
    private readonly intake: IntakeService,
    private readonly clock: Clock,
    private readonly settings: Settings,
    private readonly attachments: StoredAttachments,
  ) {
    const own = addressSet(settings.MAIL_INBOUND_ADDRESSES);
    const from = addressOf(settings.MAIL_FROM);
    if (from) own.add(from);
    this.ownAddresses = own;
  }

  /** Resolves once the mail is committed (or known to be a redelivery, or an automatic mail that is dropped). */
  async accept(raw: Buffer, envelope: MailEnvelope): Promise<MailOutcome> {
    const mail = await parseMail(raw, { skipImageLinks: true, skipTextToHtml: true });
    const automatic = automaticMailReason(mail, envelope.mailFrom, this.ownAddresses);
    if (automatic) {
      this.logger.warn(`mail ${mail.messageId ?? '(no Message-ID)'} from ${envelope.mailFrom || '<>'} not taken in: ${automatic}`);
      return { outcome: 'ignored', reason: automatic };
    }
    const from = mail.from?.value.find((a) => a.address);
    const sender = (from?.address ?? envelope.mailFrom ?? '').trim().toLowerCase();
    if (!sender) throw new MailRejection(550, 'The message has no sender address');

    const now = this.clock.now();
    const externalId = mailExternalId(mail.messageId, raw);
    const kept: KeptFile[] = [];
    const tooLarge: string[] = [];
    for (const part of mail.attachments) {
      if (!part.content.length) continue;
      const filename = safeFilename(part.filename);
      if (part.content.length > this.settings.UPLOAD_MAX_BYTES) {
        tooLarge.push(filename ?? part.contentType);
        continue;
      }
      kept.push({ part, filename });
    }

    const msg: InboundMessage = {
      channel: 'email',
      externalId,
      senderId: sender.slice(0, 250),
      recipientId: envelope.rcptTo[0] ?? null,
      reporterName: from?.name?.trim().slice(0, 120) || null,
      reporterEmail: sender.length <= 254 ? sender : null,
      content: this.content(mail.text, mail.subject, kept, tooLarge),
      attachments: [],
      receivedAt: now,
      codeHint: mail.subject ?? null,
      // kept with the ticket the mail creates or joins (a redelivered mail keeps nothing again)
      files: kept.map((f) => ({
        kind: f.part.contentType.toLowerCase().startsWith('image/') ? 'image' : 'file',
        filename: f.filename,
        contentType: f.part.contentType.slice(0, 100),
        sizeBytes: f.part.content.length,
        data: { channel: 'email', externalId },
        createdAt: now,
        content: f.part.content,
      })),
    };

    return this.attachments.transaction((m, keep) => this.intake.receive(m, msg, keep));
  }

  /** The text body (mailparser converts an HTML-only mail to text), without the quoted message of a reply. */
  private content(text: string | undefined, subject: string | undefined, kept: KeptFile[], tooLarge: string[]): string {
    let body = stripQuotedReply(text ?? '');
    const notes: string[] = [];
    if (kept.length) notes.push(`[Tệp đính kèm: ${kept.map((f) => f.filename ?? f.part.contentType).join(', ')}]`);
    if (tooLarge.length) notes.push(`[Tệp quá lớn (trên ${this.settings.UPLOAD_MAX_BYTES} byte), không lưu: ${tooLarge.join(', ')}]`);
    if (!body) body = subject?.trim() || (notes.length ? '' : '(Thư không có nội dung)');
    const tail = notes.length ? `${body ? '\n\n' : ''}${notes.join('\n')}` : '';
    const room = MAX_CONTENT_CHARS - tail.length;
    return (body.length > room ? `${body.slice(0, room - 1)}…` : body) + tail;
  }
}
