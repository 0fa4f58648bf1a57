/**
 * The checks of the new-user and new-key forms, with the gateway's codes
 * and the document's limits (`NewUser`, `NewApiKey`), so the browser's
 * complaints read like the gateway's (`lib/field-errors.ts`).
 */
import type { FieldIssue } from '@/lib/field-errors';
import { API_KEY_LIMITS, textLength, USER_LIMITS } from '@/lib/limits';

const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;

export type UserDraft = { email: string; password: string };
export type Issues<K extends string> = Partial<Record<K, FieldIssue>>;

export function validateUser(d: UserDraft): Issues<'email' | 'password'> {
  const issues: Issues<'email' | 'password'> = {};
  const email = d.email.trim();
  if (!email) issues.email = { code: 'required' };
  else if (textLength(email) > USER_LIMITS.email.maxLength) issues.email = { code: 'too_long', params: { max: USER_LIMITS.email.maxLength } };
  else if (!EMAIL.test(email)) issues.email = { code: 'invalid_email' };
  const { minLength, maxLength } = USER_LIMITS.password;
  if (!d.password) issues.password = { code: 'required' };
  else if (textLength(d.password) < minLength) issues.password = { code: 'out_of_range', params: { min: minLength } };
  else if (textLength(d.password) > maxLength) issues.password = { code: 'too_long', params: { max: maxLength } };
  return issues;
}

export function validateKeyName(name: string): Issues<'name'> {
  if (!name.trim()) return { name: { code: 'required' } };
  if (textLength(name) > API_KEY_LIMITS.name.maxLength) return { name: { code: 'too_long', params: { max: API_KEY_LIMITS.name.maxLength } } };
  if (!API_KEY_LIMITS.name.pattern.test(name)) return { name: { code: 'control_characters' } };
  return {};
}
