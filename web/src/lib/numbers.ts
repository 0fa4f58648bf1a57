/** Numbers as people type them in the forms (full-width digits, thousands separators). */

/** Full-width digits and hyphens (common in Japanese input) to ASCII. */
export function normalizeDigits(s: string): string {
  return s.normalize('NFKC').replace(/[‐-―−ー]/g, '-').trim();
}

/** Parses a whole number typed by a person ("1,200", "１２００"); NaN when it is not one. */
export function parseWholeNumber(s: string): number {
  const n = normalizeDigits(s).replace(/,/g, '');
  return /^-?\d+$/.test(n) ? Number(n) : Number.NaN;
}
