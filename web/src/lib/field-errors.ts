/**
 * Field errors in the operator's language. The gateway says why a field (or
 * a cell of an imported file) is bad as a machine code with flat parameters
 * (`{code: 'out_of_range', min: 1, max: 10000}`); its English `message` /
 * `reason` is shown only for a code this admin does not know. The new-order
 * form words its own checks with the same codes, so a limit reads the same
 * whether the browser or the server found it.
 */
import { formatNumber } from './format';
import { translate, type Lang, type MessageKey } from './i18n';

/** Every code the gateway sends (`errors[].code`, CSV row errors' `code`). */
export const FIELD_CODES = [
  'required',
  'too_long',
  'too_few',
  'too_many',
  'out_of_range',
  'invalid_email',
  'invalid_phone',
  'control_characters',
  'invalid_value',
  'invalid_type',
  'invalid_format',
  'invalid_encoding',
  'malformed_row',
  'conflict',
  'missing_variable',
] as const;

export type FieldCode = (typeof FIELD_CODES)[number];

/** A problem with one field: a code, its parameters, and the gateway's English words if any. */
export type FieldIssue = { code: string; params?: Readonly<Record<string, unknown>>; message?: string };

/** The gateway's `expected` of an `invalid_type` (serde's words), as one of our keys. */
const EXPECTED: Record<string, MessageKey> = {
  'an integer': 'fieldError.integer',
  'a whole number': 'fieldError.integer',
  'a number': 'fieldError.number',
  'true or false': 'fieldError.boolean',
  'a boolean': 'fieldError.boolean',
  'a string': 'fieldError.text',
};

export function isFieldCode(code: string): code is FieldCode {
  return (FIELD_CODES as readonly string[]).includes(code);
}

export function formatFieldError(lang: Lang, issue: FieldIssue): string {
  const params = issue.params ?? {};
  const tr = (key: MessageKey, p?: Record<string, string>) => translate(lang, key, p);
  /** A numeric parameter, grouped the operator's way ("10,000"). */
  const num = (name: string): string | undefined => {
    const v = params[name];
    if (typeof v === 'number' && Number.isFinite(v)) return formatNumber(v, lang);
    if (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v)) return formatNumber(Number(v), lang);
    return undefined;
  };
  const text = (name: string): string | undefined => {
    const v = params[name];
    return typeof v === 'string' && v !== '' ? v : undefined;
  };
  const [min, max] = [num('min'), num('max')];

  if (!isFieldCode(issue.code)) return issue.message || tr('fieldError.unknown');
  switch (issue.code) {
    case 'required':
      return tr('fieldError.required');
    case 'too_long':
      return max ? tr('fieldError.tooLong', { max }) : tr('fieldError.tooLongAny');
    case 'too_few':
      return min ? tr('fieldError.tooFew', { min }) : tr('fieldError.tooFewAny');
    case 'too_many':
      return max ? tr('fieldError.tooMany', { max }) : tr('fieldError.tooManyAny');
    case 'out_of_range':
      if (min && max) return tr('fieldError.between', { min, max });
      if (min) return tr('fieldError.atLeast', { min });
      if (max) return tr('fieldError.atMost', { max });
      return tr('fieldError.outOfRange');
    case 'invalid_email':
      return tr('fieldError.email');
    case 'invalid_phone':
      return tr('fieldError.phone');
    case 'control_characters':
      return tr('fieldError.controlCharacters');
    case 'invalid_value': {
      const allowed = text('allowed');
      return allowed ? tr('fieldError.oneOf', { allowed }) : tr('fieldError.invalidValue');
    }
    case 'invalid_type': {
      const key = EXPECTED[text('expected') ?? ''];
      return key ? tr(key) : tr('fieldError.invalidType');
    }
    case 'invalid_format':
      return tr('fieldError.invalidFormat');
    case 'invalid_encoding':
      return tr('fieldError.invalidEncoding');
    case 'malformed_row':
      return tr('fieldError.malformedRow');
    case 'conflict':
      return tr('fieldError.conflict');
    case 'missing_variable': {
      const template = text('template');
      return template ? tr('fieldError.missingVariableIn', { template }) : tr('fieldError.missingVariable');
    }
  }
}
