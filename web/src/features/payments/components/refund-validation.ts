import type { FieldIssue } from '@/lib/field-errors';
import type { Translate } from '@/lib/i18n';
import { formatYen } from '@/lib/format';
import { REFUND_LIMITS, textLength } from '@/lib/limits';
import { parseWholeNumber } from '@/lib/numbers';

/** The refund amount as a number, or the message to show beside the field. */
export function validateRefundAmount(raw: string, remaining: number, t: Translate): { amount: number } | { error: string } {
  const n = parseWholeNumber(raw);
  const min = REFUND_LIMITS.amount.minimum;
  if (!Number.isInteger(n) || n < min) return { error: t('refund.err.amount', { min: formatYen(min) }) };
  if (n > remaining) return { error: t('refund.err.max', { max: formatYen(remaining) }) };
  return { amount: n };
}

/** The refund reason, trimmed, or the problem with it (the document's `NewRefund.reason.maxLength`). */
export function checkRefundReason(raw: string): { reason: string | undefined } | { issue: FieldIssue } {
  const reason = raw.trim();
  const max = REFUND_LIMITS.reason.maxLength;
  if (textLength(reason) > max) return { issue: { code: 'too_long', params: { max } } };
  return { reason: reason || undefined };
}
