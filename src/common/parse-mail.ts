import type { ParsedMail, SimpleParserOptions, Source } from 'mailparser';

/**
 * mailparser's `simpleParser`, with the library loaded on the first mail parsed rather than when the application
 * starts (it is among the largest to load, and most processes never read a mail).
 */
export async function parseMail(input: Source, options?: SimpleParserOptions): Promise<ParsedMail> {
  const { simpleParser } = await import('mailparser');
  return simpleParser(input, options);
}
