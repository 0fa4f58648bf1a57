import { describe, expect, it } from 'vitest';
import { translate, type Translate } from '@/lib/i18n';
import { validateRefundAmount } from './refund-validation';

const t: Translate = (k, p) => translate('en', k, p);

describe('validateRefundAmount', () => {
  it.each([
    ['500', { amount: 500 }],
    ['１,０００', { amount: 1000 }],
    ['2400', { amount: 2400 }],
    ['0', { error: 'Enter a whole number of at least 1 yen' }],
    ['abc', { error: 'Enter a whole number of at least 1 yen' }],
    ['12.5', { error: 'Enter a whole number of at least 1 yen' }],
    ['2401', { error: 'More than the refundable ￥2,400' }],
  ])('%j', (raw, expected) => {
    expect(validateRefundAmount(raw, 2400, t)).toEqual(expected);
  });
});
