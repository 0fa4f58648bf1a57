import type { Translate } from '@/lib/i18n';
import { formatYen } from '@/lib/format';
import { parseWholeNumber } from '@/lib/numbers';

/** The refund amount as a number, or the message to show beside the field. */
export function validateRefundAmount(raw: string, remaining: number, t: Translate): { amount: number } | { error: string } {
  const n = parseWholeNumber(raw);
  if (!Number.isInteger(n) || n < 1) return { error: t('refund.err.amount') };
  if (n > remaining) return { error: t('refund.err.max', { max: formatYen(remaining) }) };
  return { amount: n };
}
