import { pipeline } from 'node:stream/promises';
import { Logger } from '@nestjs/common';
import type { Response } from 'express';
import { contentDisposition } from '../common/content-disposition.js';
import type { StoredContent } from './attachment-store.js';

/** An attachment on its way to a member of staff: what its row says, and its content. */
export interface AttachmentDownload {
  filename: string | null;
  contentType: string | null;
  content: StoredContent;
}

/**
 * The types a browser may show in place: the photos' types, which for citizens' photos were decided from their
 * first bytes (src/intake/public/photo-storage.ts). Anything else (a mail's attachment, of the type the sender
 * declared) is only offered for download.
 */
const SHOWN_IN_PLACE = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/heic']);
/** A media type without parameters: `type/subtype`, token characters only (RFC 9110). */
const MEDIA_TYPE = /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/i;

const logger = new Logger('AttachmentDownload');

/**
 * Sends an attachment's content with the type it was stored with, its name (Vietnamese, RFC 5987), nothing for the
 * browser to guess (nosniff) and nothing it may run (a sandbox without any source): an image is shown, anything else
 * downloaded. Private to the person who asked: never cached.
 */
export async function sendAttachment(res: Response, file: AttachmentDownload): Promise<void> {
  const declared = file.contentType?.toLowerCase() ?? '';
  const type = MEDIA_TYPE.test(declared) ? declared : 'application/octet-stream';
  const disposition = SHOWN_IN_PLACE.has(type) ? 'inline' : 'attachment';
  res.status(200);
  res.setHeader('Content-Type', type);
  res.setHeader('Content-Disposition', contentDisposition(disposition, file.filename || 'tep-dinh-kem'));
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
  res.setHeader('Cache-Control', 'private, no-store');
  if (file.content.size !== null) res.setHeader('Content-Length', String(file.content.size));
  try {
    await pipeline(file.content.body, res);
  } catch (e) {
    // the client went away, or the store broke off in the middle: the answer is cut short, nothing else to do
    logger.warn(`attachment download cut short: ${(e as Error).message}`);
  }
}
