import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from '@20minutes/s3rver';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';

/**
 * A real S3-compatible server on 127.0.0.1 (s3rver: the S3 REST API with signature checks, objects in a temporary
 * folder) with one bucket, for the tests of ATTACHMENT_STORAGE=s3; and a client of its own to look inside.
 */
export class LocalObjectStore {
  static readonly ACCESS_KEY_ID = 'S3RVER';
  static readonly SECRET_ACCESS_KEY = 'S3RVER';

  /** What happened to objects, in order: `ObjectCreated:Put attachments/<id>`, `ObjectRemoved:Delete …`. */
  readonly events: string[] = [];

  private constructor(
    private readonly server: S3rver,
    private readonly directory: string,
    readonly endpoint: string,
    readonly bucket: string,
    private readonly client: S3Client,
  ) {
    server.on('event', (e) => this.events.push(...e.Records.map((r) => `${r.eventName} ${r.s3.object.key}`)));
  }

  static async start(bucket = 'tep-dinh-kem'): Promise<LocalObjectStore> {
    const directory = await mkdtemp(join(tmpdir(), 'hotline-s3-'));
    const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: bucket }] });
    const { port } = await server.run();
    const endpoint = `http://127.0.0.1:${port}`;
    const client = new S3Client({
      endpoint, region: 'us-east-1', forcePathStyle: true,
      credentials: { accessKeyId: LocalObjectStore.ACCESS_KEY_ID, secretAccessKey: LocalObjectStore.SECRET_ACCESS_KEY },
      requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED',
    });
    return new LocalObjectStore(server, directory, endpoint, bucket, client);
  }

  /** The settings of an application that keeps its attachments here. */
  get env(): Record<string, string> {
    return {
      ATTACHMENT_STORAGE: 's3', S3_ENDPOINT: this.endpoint, S3_REGION: 'us-east-1', S3_BUCKET: this.bucket,
      S3_ACCESS_KEY_ID: LocalObjectStore.ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY: LocalObjectStore.SECRET_ACCESS_KEY, S3_FORCE_PATH_STYLE: 'true',
    };
  }

  /**
   * Every key in the bucket, sorted; read from the server's own store: s3rver checks the signature of a bucket-level
   * request of the current SDK (a listing) against a path without the trailing slash the SDK signs, and refuses it.
   * Object requests, the only ones the application makes, are checked right.
   */
  async keys(): Promise<string[]> {
    const { objects } = await this.server.store.listObjects(this.bucket, {});
    return objects.map((o) => o.key).sort();
  }

  /** An object's bytes, or null when there is none. */
  async object(key: string): Promise<Buffer | null> {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return Buffer.from(await out.Body!.transformToByteArray());
    } catch (e) {
      if ((e as { name?: string }).name === 'NoSuchKey') return null;
      throw e;
    }
  }

  async close(): Promise<void> {
    this.client.destroy();
    await this.server.close();
    await rm(this.directory, { recursive: true, force: true });
  }
}
