import { describe, expect, it } from 'vitest';
import { formatFieldError } from '@/lib/field-errors';
import { validateKeyName, validateUser } from './user-validation';

describe('validateUser', () => {
  it('asks for both fields', () => {
    expect(validateUser({ email: ' ', password: '' })).toEqual({ email: { code: 'required' }, password: { code: 'required' } });
  });

  it('refuses a short password as the gateway does (out_of_range, min 12)', () => {
    const issues = validateUser({ email: 'ops@example.jp', password: 'short' });
    expect(issues).toEqual({ password: { code: 'out_of_range', params: { min: 12 } } });
    expect(formatFieldError('ja', issues.password!)).toBe('12 以上で入力してください');
  });

  it('refuses a malformed e-mail and a password over 256 characters', () => {
    expect(validateUser({ email: 'nope', password: 'x'.repeat(257) })).toEqual({
      email: { code: 'invalid_email' },
      password: { code: 'too_long', params: { max: 256 } },
    });
  });

  it('accepts a good pair', () => {
    expect(validateUser({ email: 'ops@example.jp', password: 'twelve-chars' })).toEqual({});
  });
});

describe('validateKeyName', () => {
  it('needs a name without control characters, at most 100 characters', () => {
    expect(validateKeyName('  ')).toEqual({ name: { code: 'required' } });
    expect(validateKeyName('a\tb')).toEqual({ name: { code: 'control_characters' } });
    expect(validateKeyName('x'.repeat(101))).toEqual({ name: { code: 'too_long', params: { max: 100 } } });
    expect(validateKeyName('倉庫システム')).toEqual({});
  });
});
