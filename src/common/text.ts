/**
 * Folds Vietnamese text for search: lower case, no diacritics, "đ" as "d", single spaces.
 * "Hòa Lợi" and "hoa loi" fold to the same string. One place for this rule: tickets, units and areas use it.
 */
export function foldText(input: string | null | undefined): string {
  if (!input) return '';
  return withoutDiacritics(input)
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** Vietnamese text without its diacritics, case kept: "Ảnh hiện trường Đ" → "Anh hien truong D". */
export function withoutDiacritics(input: string): string {
  return input.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D');
}

/** Compares Vietnamese names in alphabetical order (ICU collation for "vi"). */
export const compareVietnamese = new Intl.Collator('vi', { sensitivity: 'base', numeric: true }).compare;
