import { withoutDiacritics } from './text.js';

/** Lone surrogates (never in a well-formed name, and encodeURIComponent throws on them). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * A Content-Disposition header naming a file (RFC 6266): `filename*` in UTF-8 (RFC 5987) for the Vietnamese name,
 * and `filename` with the same name in plain ASCII (diacritics dropped) for clients that know only that.
 */
export function contentDisposition(type: 'inline' | 'attachment', filename: string): string {
  const name = filename.replace(LONE_SURROGATE, '\uFFFD');
  // quoted-string: printable ASCII without the quote, the backslash and % (which some clients decode)
  const ascii = withoutDiacritics(name).replace(/[^\x20-\x7e]|["\\%]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${type}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
