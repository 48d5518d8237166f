import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { HttpStatus } from '@nestjs/common';
import type { MulterModuleOptions as MulterOptions } from '@nestjs/platform-express';
import { AppError, badRequest } from '../../common/errors.js';

/** The multipart field that carries the app's photos, the web form's, and how many one report may have. */
export const PHOTO_FIELD = 'attachments';
export const WEB_PHOTO_FIELD = 'photos';
export const MAX_PHOTOS = 5;
const PHOTO_FIELDS = new Set([PHOTO_FIELD, WEB_PHOTO_FIELD]);
export const isPhotoField = (field: string | undefined) => field !== undefined && PHOTO_FIELDS.has(field);

/** What we keep, decided by the file's first bytes (never by the name or the type the client claims). */
export const PHOTO_TYPES = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/heic': 'heic',
} as const;
export type PhotoType = keyof typeof PHOTO_TYPES;

/** Types a client may declare for a photo; phones often send HEIC as octet-stream. */
const DECLARED_OK = new Set(['image/jpeg', 'image/jpg', 'image/pjpeg', 'image/png', 'image/webp', 'image/heic', 'image/heif', 'application/octet-stream']);
const HEIC_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'mif1', 'msf1']);
const NOT_HEIC_BRANDS = new Set(['avif', 'avis']);
const SNIFF_BYTES = 64;

/** A photo as multer hands it to the controller after PhotoStorage stored it under UPLOAD_DIR/.incoming. */
export interface StoredPhoto {
  fieldname: string;
  originalname: string;
  mimetype: string;
  /** Absolute path of the temporary file. */
  path: string;
  size: number;
  sha256: string;
  detectedType: PhotoType;
}

interface IncomingFile {
  fieldname: string;
  originalname: string;
  mimetype: string;
  stream: Readable;
}

type Callback = (error: Error | null, info?: Partial<StoredPhoto>) => void;

/** The image type of a file from its first bytes, or null when it is none of the accepted ones. */
export function sniffPhotoType(head: Buffer): PhotoType | null {
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'image/jpeg';
  if (head.length >= 8 && head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (head.length >= 12 && head.toString('latin1', 0, 4) === 'RIFF' && head.toString('latin1', 8, 12) === 'WEBP') return 'image/webp';
  // ISO base media file: [size]["ftyp"][major brand][minor version][compatible brands…]
  if (head.length >= 12 && head.toString('latin1', 4, 8) === 'ftyp') {
    const boxEnd = Math.min(head.readUInt32BE(0), head.length);
    const brands = [head.toString('latin1', 8, 12)];
    for (let i = 16; i + 4 <= boxEnd; i += 4) brands.push(head.toString('latin1', i, i + 4));
    if (NOT_HEIC_BRANDS.has(brands[0])) return null;
    if (brands.some((b) => HEIC_BRANDS.has(b))) return 'image/heic';
  }
  return null;
}

const fileLabel = (name: string) => (name ? `"${name}"` : 'tệp');
/** "5 MB", "1,5 MB", "4 KB" */
export const sizeText = (bytes: number) =>
  bytes >= 1048576 ? `${String(Math.round((bytes / 1048576) * 10) / 10).replace('.', ',')} MB` : `${Math.round(bytes / 1024)} KB`;

/** Why a photo (or the set of photos) was refused, for a page that says it in its own words. */
export type PhotoProblem = 'not_image' | 'too_large' | 'too_many';

/**
 * A refusal of the photos themselves (not of the request's other fields): answered as the AppError it is by the API,
 * told next to the photo field by the web form. `problem` and `filename` are not part of the JSON answer.
 */
export class PhotoRefusedError extends AppError {
  constructor(readonly problem: PhotoProblem, readonly filename: string, base: AppError) {
    super(base.status, base.code, base.message, base.details);
  }
}

export const photoTypeError = (file: { fieldname: string; originalname: string }) =>
  new PhotoRefusedError('not_image', file.originalname,
    badRequest([{ field: file.fieldname, reason: `${fileLabel(file.originalname)} không phải ảnh JPEG, PNG, WebP hoặc HEIC` }],
      'Chỉ nhận ảnh JPEG, PNG, WebP hoặc HEIC.'));

export const photoTooLargeError = (field: string, originalname: string, maxBytes: number) =>
  new PhotoRefusedError('too_large', originalname,
    new AppError(HttpStatus.PAYLOAD_TOO_LARGE, 'PAYLOAD_TOO_LARGE', `Ảnh gửi lên quá lớn: mỗi ảnh tối đa ${sizeText(maxBytes)}.`, {
      errors: [{ field, reason: `${fileLabel(originalname)} lớn hơn ${sizeText(maxBytes)} (${maxBytes} byte)` }],
    }));

export const tooManyPhotosError = (field: string) =>
  new PhotoRefusedError('too_many', '', badRequest([{ field, reason: `gửi tối đa ${MAX_PHOTOS} ảnh` }]));

const UPLOADS = Symbol('public-uploads');

/** Every temporary file written for this request, so that a refused request can remove them all. */
export function trackedUploads(req: object): string[] {
  const r = req as { [UPLOADS]?: string[] };
  return (r[UPLOADS] ??= []);
}

/** Removes what is left of this request's temporary files (those of a report taken in are already gone). */
export async function discardUploads(req: object): Promise<void> {
  await Promise.all(trackedUploads(req).map((p) => rm(p, { force: true }).catch(() => undefined)));
}

/**
 * A multer storage engine for citizens' photos. Each file is streamed to UPLOAD_DIR/.incoming under a random name
 * while its size is counted, its SHA-256 computed and its first bytes checked; a file that is too large or is not
 * an accepted image stops at once, its partial file is removed before multer hears of the error. The controller's
 * service copies the files into the attachment store inside the ticket's transaction and removes them; anything left
 * in .incoming is removed when the request fails (UploadErrorsInterceptor), so a refused request leaves no file.
 */
export class PhotoStorage {
  readonly incomingDir: string;

  constructor(uploadDir: string, private readonly maxBytes: number) {
    this.incomingDir = join(uploadDir, '.incoming');
  }

  _handleFile(req: object, file: IncomingFile, cb: Callback): void {
    const path = join(this.incomingDir, randomUUID());
    trackedUploads(req).push(path);
    mkdir(this.incomingDir, { recursive: true }).then(
      () => this.write(file, path, cb),
      (e: Error) => {
        file.stream.resume();
        cb(e);
      },
    );
  }

  /**
   * Removes temporary files older than maxAgeMs: what a crash in the middle of an upload left behind. Uploads in
   * progress (here or on another instance sharing UPLOAD_DIR) are younger and are left alone.
   */
  async sweep(maxAgeMs = 3600_000): Promise<number> {
    const names = await readdir(this.incomingDir).catch(() => [] as string[]);
    let removed = 0;
    for (const name of names) {
      const path = join(this.incomingDir, name);
      const info = await stat(path).catch(() => null);
      if (info?.isFile() && Date.now() - info.mtimeMs > maxAgeMs) {
        await rm(path, { force: true });
        removed += 1;
      }
    }
    return removed;
  }

  _removeFile(_req: object, file: { path?: string }, cb: (error: Error | null) => void): void {
    if (!file.path) return cb(null);
    rm(file.path, { force: true }).then(() => cb(null), (e: Error) => cb(e));
  }

  private write(file: IncomingFile, path: string, cb: Callback): void {
    const { maxBytes } = this;
    const hash = createHash('sha256');
    let size = 0;
    let head = Buffer.alloc(0);
    let type: PhotoType | null = null;
    let failure: Error | null = null;
    const check = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        size += chunk.length;
        if (size > maxBytes) return done(photoTooLargeError(file.fieldname, file.originalname, maxBytes));
        if (!type) {
          head = Buffer.concat([head, chunk]);
          if (head.length >= SNIFF_BYTES) {
            type = sniffPhotoType(head);
            if (!type) return done(photoTypeError(file));
          }
        }
        hash.update(chunk);
        done(null, chunk);
      },
      flush(done) {
        type ??= sniffPhotoType(head);
        done(type ? null : photoTypeError(file));
      },
    });
    const out = createWriteStream(path, { flags: 'wx', mode: 0o640 });
    const fail = (e: Error) => {
      if (failure) return;
      failure = e;
      // keep reading the part (without storing it), so that multer can finish the request
      file.stream.unpipe(check);
      file.stream.resume();
      check.destroy();
      out.destroy();
    };
    file.stream.on('error', fail);
    check.on('error', fail);
    out.on('error', fail);
    // 'close' comes after the last byte is written, or after destroy(): only then is the file complete or removable
    out.on('close', () => {
      if (failure) {
        const e = failure;
        rm(path, { force: true }).then(() => cb(e), () => cb(e));
        return;
      }
      cb(null, { path, size, sha256: hash.digest('hex'), detectedType: type! });
    });
    file.stream.pipe(check).pipe(out);
  }
}

/** multer's options for the citizens' photos (see PublicIntakeModule). */
export function photoMulterOptions(uploadDir: string, maxBytes: number): MulterOptions {
  return {
    storage: new PhotoStorage(uploadDir, maxBytes),
    // file names from phones are UTF-8 (Vietnamese names), not latin1
    defParamCharset: 'utf8',
    limits: {
      fileSize: maxBytes,
      files: MAX_PHOTOS,
      fields: 20,
      fieldSize: 32 * 1024,
      parts: 30,
    },
    fileFilter(_req, file, callback) {
      if (!DECLARED_OK.has(file.mimetype.toLowerCase())) return callback(photoTypeError(file), false);
      callback(null, true);
    },
  };
}
