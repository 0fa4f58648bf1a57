import { describe, expect, it } from 'vitest';
import { en, ja } from './i18n/dictionaries';
import { FIELD_CODES, formatFieldError, type FieldIssue } from './field-errors';

/** One example of every code, with the parameters the gateway sends with it. */
const EXAMPLES: Record<(typeof FIELD_CODES)[number], FieldIssue> = {
  required: { code: 'required', message: 'is required' },
  too_long: { code: 'too_long', params: { max: 200 }, message: 'must be at most 200 characters' },
  too_few: { code: 'too_few', params: { min: 1 }, message: 'must contain at least 1' },
  too_many: { code: 'too_many', params: { max: 100 }, message: 'must contain at most 100' },
  out_of_range: { code: 'out_of_range', params: { min: 1, max: 10000 }, message: 'must be between 1 and 10000' },
  invalid_email: { code: 'invalid_email', message: 'must be an e-mail address' },
  invalid_phone: { code: 'invalid_phone', message: 'must be a phone number (6 to 20 digits)' },
  control_characters: { code: 'control_characters', message: 'must not contain control characters' },
  invalid_value: { code: 'invalid_value', params: { allowed: 'shipped, delivered' }, message: 'must be one of: shipped, delivered' },
  invalid_type: { code: 'invalid_type', params: { expected: 'an integer' }, message: 'must be an integer' },
  invalid_format: { code: 'invalid_format', message: 'unexpected token' },
  invalid_encoding: { code: 'invalid_encoding', message: 'the line is not valid UTF-8' },
  malformed_row: { code: 'malformed_row', message: 'unreadable CSV: found record with 3 fields' },
  conflict: { code: 'conflict', message: '"B-1" already belongs to another customer (line 2)' },
  missing_variable: { code: 'missing_variable', params: { template: 'ORDER_SHIPPED' }, message: 'has no value, and template ORDER_SHIPPED uses it' },
};

describe('formatFieldError', () => {
  it.each(FIELD_CODES)('words %s in Japanese and in English, not with the gateway message', (code) => {
    const issue = EXAMPLES[code];
    const inJa = formatFieldError('ja', issue);
    const inEn = formatFieldError('en', issue);
    expect(inJa).not.toBe(issue.message);
    expect(inEn).not.toBe(issue.message);
    expect(inJa).not.toBe(inEn);
    expect(inJa).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
    expect(inJa).not.toMatch(/\{\w+\}/);
    expect(inEn).not.toMatch(/\{\w+\}/);
  });

  it('puts the parameters in, numbers grouped', () => {
    expect(formatFieldError('ja', EXAMPLES.out_of_range)).toBe('1〜10,000 の範囲で入力してください');
    expect(formatFieldError('en', EXAMPLES.out_of_range)).toBe('Enter a value from 1 to 10,000');
    expect(formatFieldError('ja', EXAMPLES.too_long)).toBe('200 文字以内で入力してください');
    expect(formatFieldError('ja', EXAMPLES.invalid_value)).toBe('次のいずれかを指定してください: shipped, delivered');
    expect(formatFieldError('ja', EXAMPLES.missing_variable)).toBe('テンプレート ORDER_SHIPPED が使う値がありません');
    // CSV row errors and metadata may carry numbers as text.
    expect(formatFieldError('ja', { code: 'too_long', params: { max: '500' } })).toBe('500 文字以内で入力してください');
  });

  it('words one-sided ranges and codes without their parameters', () => {
    expect(formatFieldError('ja', { code: 'out_of_range', params: { min: 1 } })).toBe('1 以上で入力してください');
    expect(formatFieldError('ja', { code: 'out_of_range', params: { max: 0 } })).toBe('0 以下で入力してください');
    expect(formatFieldError('ja', { code: 'out_of_range' })).toBe(ja['fieldError.outOfRange']);
    expect(formatFieldError('en', { code: 'too_long' })).toBe(en['fieldError.tooLongAny']);
    expect(formatFieldError('ja', { code: 'invalid_type', params: { expected: 'a sequence' } })).toBe(ja['fieldError.invalidType']);
    expect(formatFieldError('ja', { code: 'invalid_type', params: { expected: 'a whole number' } })).toBe('整数で入力してください');
  });

  it('falls back to the English message only for a code it does not know', () => {
    expect(formatFieldError('ja', { code: 'gone_fishing', message: 'the field went fishing' })).toBe('the field went fishing');
    expect(formatFieldError('ja', { code: '', message: 'no code at all' })).toBe('no code at all');
    expect(formatFieldError('ja', { code: 'gone_fishing' })).toBe(ja['fieldError.unknown']);
  });
});
