import { join } from 'node:path';
import { Injectable } from '@nestjs/common';
import type { Response } from 'express';
import nunjucks from 'nunjucks';
import { Settings } from '../../config/settings.js';
import { projectRoot } from '../common/project-root.js';
import { formatDateTimeVi, formatDateVi } from '../common/vn-time.js';

/** Where the templates and the static files (CSS, scripts) live: beside this file in the source tree. */
export const TEMPLATES_DIR = join(projectRoot(), 'src', 'views', 'templates');
export const STATIC_DIR = join(projectRoot(), 'src', 'views', 'static');
/** The URL prefix the static files are served under (see configureApp). */
export const STATIC_PREFIX = '/static';

/**
 * Every page's security headers. Scripts and styles come only from this origin's static files: no inline script or
 * style is allowed, so text a citizen typed can never run, even if a template forgot to escape it (it cannot: the
 * engine escapes by default).
 */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Type': 'text/html; charset=utf-8',
  'Cache-Control': 'no-store',
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'same-origin',
  'X-Frame-Options': 'DENY',
};

/** "2 giờ 15 phút", "45 phút", "3 giờ". */
export function formatMinutes(total: number): string {
  const mins = Math.abs(Math.round(total));
  const h = Math.floor(mins / 60);
  const m = mins % 60;
  if (h && m) return `${h} giờ ${m} phút`;
  return h ? `${h} giờ` : `${m} phút`;
}

const asDate = (v: unknown): Date | null => {
  if (v === null || v === undefined || v === '') return null;
  const d = v instanceof Date ? v : new Date(String(v));
  return Number.isNaN(d.getTime()) ? null : d;
};

/**
 * The engine (Nunjucks, escaping on by default), with the filters every page shares: dates as dd/mm/yyyy and
 * 24-hour time in Viet Nam time whatever the reader's browser says, durations in words, excerpts.
 */
export function createEnvironment(options: { watch?: boolean } = {}): nunjucks.Environment {
  const env = new nunjucks.Environment(new nunjucks.FileSystemLoader(TEMPLATES_DIR, { noCache: options.watch ?? false }), {
    autoescape: true,
    throwOnUndefined: false,
    trimBlocks: true,
    lstripBlocks: true,
  });
  env.addFilter('datetime', (v: unknown) => { const d = asDate(v); return d ? formatDateTimeVi(d) : ''; });
  env.addFilter('date', (v: unknown) => { const d = asDate(v); return d ? formatDateVi(d) : ''; });
  env.addFilter('minutes', (v: unknown) => formatMinutes(Number(v) || 0));
  env.addFilter('excerpt', (v: unknown, n = 160) => { const s = String(v ?? ''); return s.length > n ? `${s.slice(0, n - 1)}…` : s; });
  env.addFilter('urlencode', (v: unknown) => encodeURIComponent(String(v ?? '')));
  env.addGlobal('static', (path: string) => `${STATIC_PREFIX}/${path}`);
  return env;
}

/**
 * The one way a page is answered: a template and its view model, rendered with the layout's shared values (the
 * province's name) and sent with PAGE_HEADERS. Controllers pass a view model; no HTML is assembled in TypeScript.
 */
@Injectable()
export class Views {
  private readonly env: nunjucks.Environment;

  constructor(private readonly settings: Settings) {
    this.env = createEnvironment({ watch: settings.NODE_ENV === 'development' });
  }

  render(template: string, model: object = {}): string {
    return this.env.render(template, { province: this.settings.REPORT_PROVINCE_NAME, ...model });
  }

  send(res: Response, status: number, template: string, model: object = {}): void {
    const html = this.render(template, model);
    res.status(status).set(PAGE_HEADERS).send(html);
  }
}

const PAGE_TITLES: Record<number, string> = {
  403: 'Không có quyền truy cập',
  404: 'Không tìm thấy trang',
  413: 'Dữ liệu gửi lên quá lớn',
  429: 'Bạn đã gửi quá nhiều yêu cầu',
  503: 'Hệ thống tạm thời gián đoạn',
};

/**
 * The page a browser gets for an address no controller answers, or an error outside the pages' own filters (the
 * API keeps answering JSON): the status, a title and the sentence, in Vietnamese.
 */
export function errorPage(views: Views): (res: Response, status: number, message: string) => void {
  return (res, status, message) => {
    const title = PAGE_TITLES[status] ?? (status >= 500 ? 'Có lỗi xảy ra' : 'Yêu cầu không hợp lệ');
    const text = status === 404 ? 'Không tìm thấy trang được yêu cầu. Địa chỉ có thể đã thay đổi hoặc bị gõ nhầm.' : message;
    views.send(res, status, 'error.njk', { title, message: text });
  };
}
