/**
 * Folds Vietnamese text for search: lower case, no diacritics, "đ" as "d", single spaces.
 * "Hòa Lợi" and "hoa loi" fold to the same string. One place for this rule: tickets, units and areas use it.
 */
export function foldText(input: string | null | undefined): string {
  if (!input) return '';
  return input
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** Compares Vietnamese names in alphabetical order (ICU collation for "vi"). */
export const compareVietnamese = new Intl.Collator('vi', { sensitivity: 'base', numeric: true }).compare;
