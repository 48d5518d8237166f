import type { Attachment } from '../tickets/attachment.entity.js';
import type { Readable } from 'node:stream';
import type { EntityManager } from 'typeorm';

/** Where the content of an attachment is kept (ATTACHMENT_STORAGE), recorded on its row (src/tickets/attachment.entity.ts). */
export type AttachmentStorage = NonNullable<Attachment['storage']>;

/** The content of an attachment as a store gives it back: a stream, and its length when the store knows it. */
export interface StoredContent {
  body: Readable;
  size: number | null;
}

/**
 * Keeps the content of attachments (photos, mail attachments) where every instance reads it and a backup holds it.
 * The metadata row (`attachments`, src/tickets/attachment.entity.ts) is the caller's: written in the transaction `m`
 * before `put`, and naming the store in its `storage` column. Content is keyed by the attachment's id.
 */
export abstract class AttachmentStore {
  abstract readonly kind: AttachmentStorage;

  /**
   * True when `put` writes outside the transaction it is given (the object store): a transaction that does not
   * commit then leaves content behind, which the caller deletes again (StoredAttachments does).
   */
  abstract readonly writesOutsideTransaction: boolean;

  /** Keeps `content` (bytes, or a stream of `size` bytes) as the content of attachment `id`. */
  abstract put(m: EntityManager, id: string, content: Buffer | Readable, info: { contentType: string; size: number }): Promise<void>;

  /** The content of attachment `id`, or null when this store has none. */
  abstract get(m: EntityManager, id: string): Promise<StoredContent | null>;

  /** Removes the content of attachment `id` (nothing happens when there is none). */
  abstract delete(m: EntityManager, id: string): Promise<void>;

  /** Lets go of connections (the object store's); the store is not used after. */
  close(): void {}
}
