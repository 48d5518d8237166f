import { HttpStatus, NotFoundException } from '@nestjs/common';
import { AppError, badRequest } from '../../common/errors.js';
import type { WebhookShapeError } from '../channels/webhook-shape.error.js';

/** A switched-off channel: exactly the answer of a route that does not exist. */
export const channelOff = () => new NotFoundException();

export const signatureMissing = (header: string) =>
  new AppError(HttpStatus.UNAUTHORIZED, 'SIGNATURE_MISSING', `Thiếu chữ ký ${header}.`);

export const signatureInvalid = (header: string, status: HttpStatus.UNAUTHORIZED | HttpStatus.FORBIDDEN, why = 'không đúng') =>
  new AppError(status, 'SIGNATURE_INVALID', `Chữ ký ${header} ${why}.`);

export const badShape = (e: WebhookShapeError) =>
  badRequest([{ field: e.path ?? 'body', reason: e.message }], 'Sự kiện webhook không đúng định dạng.');
