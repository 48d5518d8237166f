import { HttpStatus } from '@nestjs/common';

/** One error of GeoReport v2's list: `[{"code": 400, "description": "…"}]`. */
export interface Open311ErrorItem {
  code: number;
  description: string;
}

/** An Open311 answer that is an error: its HTTP status and the spec's list of errors (Vietnamese descriptions naming the field). */
export class Open311Error extends Error {
  constructor(readonly status: number, readonly errors: Open311ErrorItem[]) {
    super(errors.map((e) => e.description).join(' '));
  }
}

/** Field problems as one Open311 error per field: "<field>: <reason>". */
export const open311BadRequest = (problems: Array<{ field: string; reason: string }>) =>
  new Open311Error(HttpStatus.BAD_REQUEST, problems.map((p) => ({ code: HttpStatus.BAD_REQUEST, description: `${p.field}: ${p.reason}` })));

export const open311Forbidden = (description: string) => new Open311Error(HttpStatus.FORBIDDEN, [{ code: HttpStatus.FORBIDDEN, description }]);
export const open311NotFound = (description: string) => new Open311Error(HttpStatus.NOT_FOUND, [{ code: HttpStatus.NOT_FOUND, description }]);
