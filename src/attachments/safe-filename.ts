/**
 * The one rule for the name an attachment is kept under, whatever channel brought it: no directories (either slash),
 * no control characters, at most 255 characters with the end kept (the extension says what the file is); null when
 * nothing is left.
 */
export function safeFilename(name: string | undefined | null): string | null {
  // eslint-disable-next-line no-control-regex
  const base = (name ?? '').split(/[\\/]/).pop()!.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return base ? base.slice(-255) : null;
}
