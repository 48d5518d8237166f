import { Readable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import type { EntityManager } from 'typeorm';
import type { Settings } from '../../config/settings.js';
import { AttachmentStore, type StoredContent } from './attachment-store.js';

/** The object of attachment `id`: one prefix, so that the bucket may be shared. */
export const s3ObjectKey = (id: string) => `attachments/${id}`;

/**
 * Attachments in an S3-compatible object store (ATTACHMENT_STORAGE=s3): the object `attachments/<id>` is written
 * before the transaction of its row commits, so that a committed row always has its content; the caller deletes the
 * objects of a transaction that did not commit (a crash in between leaves an object no row names, never the reverse).
 */
export class S3AttachmentStore extends AttachmentStore {
  readonly kind = 's3' as const;
  readonly writesOutsideTransaction = true;
  /** The SDK and its client: the SDK is loaded when the store is made, after start-up, not when the application starts. */
  private readonly s3: Promise<{ sdk: typeof import('@aws-sdk/client-s3'); client: S3Client }>;
  private readonly bucket: string;

  constructor(settings: Pick<Settings, 'S3_ENDPOINT' | 'S3_REGION' | 'S3_BUCKET' | 'S3_ACCESS_KEY_ID' | 'S3_SECRET_ACCESS_KEY' | 'S3_FORCE_PATH_STYLE'>) {
    super();
    this.bucket = settings.S3_BUCKET!;
    this.s3 = import('@aws-sdk/client-s3').then((sdk) => ({ sdk, client: new sdk.S3Client({
      endpoint: settings.S3_ENDPOINT,
      region: settings.S3_REGION,
      forcePathStyle: settings.S3_FORCE_PATH_STYLE,
      credentials: { accessKeyId: settings.S3_ACCESS_KEY_ID!, secretAccessKey: settings.S3_SECRET_ACCESS_KEY! },
      // checksums only where the operation requires them: S3-compatible stores (MinIO, Ceph, older versions) do not
      // all take the newer checksum trailers, and the content's SHA-256 is on the attachment's row anyway
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      maxAttempts: 3,
      requestHandler: { connectionTimeout: 5_000, requestTimeout: 60_000 },
    }) }));
    // a failure to load shows on the first use
    this.s3.catch(() => undefined);
  }

  async put(_m: EntityManager, id: string, content: Buffer | Readable, info: { contentType: string; size: number }): Promise<void> {
    const { sdk, client } = await this.s3;
    await client.send(new sdk.PutObjectCommand({
      Bucket: this.bucket,
      Key: s3ObjectKey(id),
      Body: content,
      ContentLength: info.size,
      ContentType: info.contentType,
    }));
  }

  async get(_m: EntityManager, id: string): Promise<StoredContent | null> {
    const { sdk, client } = await this.s3;
    try {
      const out = await client.send(new sdk.GetObjectCommand({ Bucket: this.bucket, Key: s3ObjectKey(id) }));
      if (!(out.Body instanceof Readable)) throw new Error(`the object store answered ${s3ObjectKey(id)} without a body`);
      return { body: out.Body, size: out.ContentLength ?? null };
    } catch (e) {
      if (e instanceof sdk.S3ServiceException && (e.name === 'NoSuchKey' || e.$metadata.httpStatusCode === 404)) return null;
      throw e;
    }
  }

  async delete(_m: EntityManager, id: string): Promise<void> {
    const { sdk, client } = await this.s3;
    await client.send(new sdk.DeleteObjectCommand({ Bucket: this.bucket, Key: s3ObjectKey(id) }));
  }

  override close(): void {
    void this.s3.then(({ client }) => client.destroy(), () => undefined);
  }
}
