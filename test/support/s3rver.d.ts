/** The few parts of @20minutes/s3rver (a maintained fork of s3rver, which ships no types) that the tests use. */
declare module '@20minutes/s3rver' {
  import type { AddressInfo } from 'node:net';

  interface S3rverOptions {
    address?: string;
    port?: number;
    silent?: boolean;
    directory: string;
    resetOnClose?: boolean;
    configureBuckets?: Array<{ name: string }>;
  }

  export default class S3rver {
    constructor(options: S3rverOptions);
    /** Its filesystem store, read directly by the tests. */
    readonly store: { listObjects(bucket: string, options: { prefix?: string }): Promise<{ objects: Array<{ key: string }> }> };
    run(): Promise<AddressInfo>;
    /** S3 event notifications: one per object written or removed. */
    on(event: 'event', listener: (e: { Records: Array<{ eventName: string; s3: { object: { key: string } } }> }) => void): this;
    close(): Promise<void>;
  }
}
