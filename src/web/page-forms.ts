import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { badRequest, type AppError, type FieldProblem } from '../common/errors.js';
import { flattenValidationErrors } from '../common/validation.js';

/** A refused form as a page shows it: a sentence, the reasons as a list, and each field's reason next to it. */
export interface Refusal {
  message: string;
  problems: string[];
  fields: Record<string, string>;
}

const sentence = (s: string) => `${s.charAt(0).toUpperCase()}${s.slice(1)}.`;

/**
 * What a refused form says, for a person rather than a program: the service's reasons per field (`labels` names the
 * fields in the list), `validation` as the sentence when the input was refused, and for a 409 the service's sentence
 * followed by `conflictNote` (what the page shows instead).
 */
export function formRefusal(e: AppError, labels: Record<string, string>, o: { validation?: string; conflictNote?: string } = {}): Refusal {
  const list = (e.details?.errors as FieldProblem[] | undefined) ?? [];
  const problems = list.map((p) => `${labels[p.field] ?? p.field}: ${p.reason}.`);
  const fields: Record<string, string> = {};
  for (const p of list) fields[p.field] ??= sentence(p.reason);
  if (e.code === 'VALIDATION_FAILED') {
    return { message: o.validation ?? 'Chưa thực hiện được: vui lòng kiểm tra lại thông tin đã nhập.', problems, fields };
  }
  if (e.status === 409 && o.conflictNote) return { message: `${e.message} ${o.conflictNote}`, problems, fields };
  return { message: e.message, problems, fields };
}

/** The note after a 409 on a ticket's form: the page shows the ticket as it is now. */
export const TICKET_CONFLICT_NOTE = 'Thông tin bên dưới là tình trạng mới nhất của phản ánh.';

/** A form's plain values checked with the API's DTO: the same rules as the API, refused as the API refuses them. */
export async function checked<T extends object>(cls: new () => T, plain: Record<string, unknown>): Promise<T> {
  const dto = plainToInstance(cls, plain);
  const errors = await validate(dto, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length) throw badRequest(flattenValidationErrors(errors));
  return dto;
}
