import { describe, expect, it } from 'vitest';
import { translate, type Translate } from '@/lib/i18n';
import { checkRefundReason, validateRefundAmount } from './refund-validation';

const t: Translate = (k, p) => translate('en', k, p);

describe('validateRefundAmount', () => {
  it.each([
    ['500', { amount: 500 }],
    ['１,０００', { amount: 1000 }],
    ['2400', { amount: 2400 }],
    ['0', { error: 'Enter a whole number of yen, at least ￥1' }],
    ['abc', { error: 'Enter a whole number of yen, at least ￥1' }],
    ['12.5', { error: 'Enter a whole number of yen, at least ￥1' }],
    ['2401', { error: 'More than the refundable ￥2,400' }],
  ])('%j', (raw, expected) => {
    expect(validateRefundAmount(raw, 2400, t)).toEqual(expected);
  });
});

describe('checkRefundReason', () => {
  it('trims it and leaves a blank one out', () => {
    expect(checkRefundReason('  破損  ')).toEqual({ reason: '破損' });
    expect(checkRefundReason('   ')).toEqual({ reason: undefined });
  });

  it('refuses more characters than the document allows (500)', () => {
    expect(checkRefundReason('あ'.repeat(500))).toEqual({ reason: 'あ'.repeat(500) });
    expect(checkRefundReason('あ'.repeat(501))).toEqual({ issue: { code: 'too_long', params: { max: 500 } } });
  });
});
