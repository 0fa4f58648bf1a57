import { useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/Button';
import { Field, Input } from '@/components/ui/Field';
import { ErrorState } from '@/components/ui/States';
import { ApiError } from '@/lib/api-client';
import { formatFieldError, type FieldIssue } from '@/lib/field-errors';
import { formatYen } from '@/lib/format';
import { useI18n } from '@/lib/i18n';
import { pushToast } from '@/lib/toast';
import type { OrderId, Payment } from '@/lib/types';
import { useCreateRefund } from '../api/create-refund';
import { checkRefundReason, validateRefundAmount } from './refund-validation';

export function RefundForm({ payment, orderId, remaining }: { payment: Payment; orderId: OrderId; remaining: number }) {
  const { t, lang } = useI18n();
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string>();
  const [reasonIssue, setReasonIssue] = useState<FieldIssue>();
  const refund = useCreateRefund(orderId);
  // The gateway's complaints about a field, beside it in the operator's language.
  const serverError = (field: string) => {
    const fe = refund.error instanceof ApiError ? refund.error.fieldErrors.find((f) => f.field === field) : undefined;
    return fe && formatFieldError(lang, fe);
  };
  const amountError = error ?? serverError('amount');
  const reasonError = reasonIssue ? formatFieldError(lang, reasonIssue) : serverError('reason');

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    const v = validateRefundAmount(amount, remaining, t);
    const r = checkRefundReason(reason);
    setError('error' in v ? v.error : undefined);
    setReasonIssue('issue' in r ? r.issue : undefined);
    if ('error' in v || 'issue' in r) return;
    refund.mutate(
      { payment_id: payment.id, amount: v.amount, reason: r.reason },
      {
        onSuccess: (r) => {
          pushToast({ kind: 'success', title: t('refund.done', { amount: formatYen(r.amount) }) });
          setAmount('');
          setReason('');
        },
      },
    );
  }

  return (
    <form onSubmit={onSubmit} noValidate className="rounded-lg bg-slate-50 p-3" data-testid="refund-form">
      <div className="mb-2 flex items-baseline justify-between gap-2">
        <h3 className="text-xs font-semibold text-slate-700">{t('refund.title')}</h3>
        <p className="text-xs text-slate-500">{t('payment.remaining')} <span className="font-medium tabular-nums text-slate-700">{formatYen(remaining)}</span></p>
      </div>
      <div className="grid gap-3 sm:grid-cols-[10rem_1fr_auto] sm:items-start">
        <Field id="refund-amount" label={t('refund.amount')} error={amountError}>
          <Input id="refund-amount" inputMode="numeric" value={amount} invalid={!!amountError} placeholder={String(Math.min(remaining, 1000))} onChange={(e) => setAmount(e.target.value)} />
        </Field>
        <Field id="refund-reason" label={t('refund.reason')} error={reasonError}>
          <Input id="refund-reason" value={reason} invalid={!!reasonError} placeholder={t('refund.reasonPlaceholder')} onChange={(e) => setReason(e.target.value)} />
        </Field>
        <Button type="submit" variant="secondary" className="sm:mt-5" loading={refund.isPending} data-testid="submit-refund">
          {refund.isPending ? t('refund.submitting') : t('refund.submit')}
        </Button>
      </div>
      {refund.isError && <ErrorState error={refund.error} className="mt-3" />}
    </form>
  );
}
