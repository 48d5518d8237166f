import type { AppError, FieldProblem } from '../../common/errors.js';
import { formValue } from '../../intake/public/web-form.js';
import type { AnswerSearch, AnswerText } from '../../answers/answers.service.js';
import { codeOf, pageOf } from '../coordination/coordination-forms.js';

export { codeOf, pageOf };

/** The publishing form's values as typed (kept to fill the form again). */
export function answerText(body: Record<string, unknown> | undefined): AnswerText {
  return {
    title: formValue(body, 'title').slice(0, 1000),
    question: formValue(body, 'question').slice(0, 20_000),
    answer: formValue(body, 'answer').slice(0, 20_000),
  };
}

/** A refused form's reasons by field (each its sentence, under the field). */
export function fieldErrors(e: AppError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of (e.details?.errors as FieldProblem[] | undefined) ?? []) out[p.field] ??= p.reason;
  return out;
}

const CODE_PART = /^[A-Za-z0-9-]{1,32}$/;

/** The public list's search from the address: q, xa (commune), linh-vuc (category), trang (page). */
export function answerSearch(query: Record<string, unknown>): AnswerSearch {
  const code = (name: string) => { const v = formValue(query, name).trim(); return CODE_PART.test(v) ? v : ''; };
  return { q: formValue(query, 'q').trim().slice(0, 100), area: code('xa'), category: code('linh-vuc'), page: pageOf(formValue(query, 'trang')) };
}

/** The address of a page of the public list with this search. */
export function answersHref(s: AnswerSearch, page = s.page): string {
  const p = new URLSearchParams();
  if (s.q) p.set('q', s.q);
  if (s.area) p.set('xa', s.area);
  if (s.category) p.set('linh-vuc', s.category);
  if (page > 1) p.set('trang', String(page));
  const q = p.toString();
  return q ? `/hoi-dap?${q}` : '/hoi-dap';
}
