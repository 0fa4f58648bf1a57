import { describe, expect, it } from 'vitest';
import { normalizeDigits, parseWholeNumber } from './numbers';

describe('numbers typed by people', () => {
  it.each([
    ['1200', 1200],
    ['1,200', 1200],
    ['１２００', 1200],
    [' 7 ', 7],
    ['1.5', Number.NaN],
    ['', Number.NaN],
    ['¥100', Number.NaN],
  ])('%j -> %d', (s, n) => {
    expect(parseWholeNumber(s)).toBe(n);
  });

  it('turns full-width digits and dashes into ASCII', () => {
    expect(normalizeDigits(' ０９０ー１２３４－５６７８ ')).toBe('090-1234-5678');
  });
});
