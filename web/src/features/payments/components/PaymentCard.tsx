import { Card } from '@/components/ui/Card';
import { ErrorState, LoadingState } from '@/components/ui/States';
import { cn } from '@/lib/cn';
import { formatDateTime, formatYen } from '@/lib/format';
import { useI18n } from '@/lib/i18n';
import { useCan } from '@/lib/session';
import { formatActor } from '@/lib/actor';
import type { Order, Payment } from '@/lib/types';
import { usePaymentForOrder } from '../api/get-payment';
import { RefundForm } from './RefundForm';

const paymentTone: Record<Payment['status'], string> = {
  completed: 'bg-emerald-50 text-emerald-700 ring-emerald-600/20',
  partially_refunded: 'bg-amber-50 text-amber-800 ring-amber-600/20',
  refunded: 'bg-zinc-100 text-zinc-700 ring-zinc-500/20',
};

export function PaymentStatusBadge({ status }: { status: Payment['status'] }) {
  const { t } = useI18n();
  return (
    <span className={cn('inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset', paymentTone[status] ?? paymentTone.completed)} data-testid="payment-status" data-status={status}>
      {t(`payment.status.${status}`)}
    </span>
  );
}

export function PaymentCard({ order }: { order: Order }) {
  const { t, lang } = useI18n();
  const q = usePaymentForOrder(order.id);
  return (
    <Card title={t('payment.title')} actions={q.data && <PaymentStatusBadge status={q.data.status} />} testId="payment-card">
      {q.isPending ? (
        <LoadingState className="py-4" />
      ) : q.isError ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      ) : q.data === null ? (
        <p className="text-sm text-slate-500" data-testid="no-payment">{t('payment.none')}</p>
      ) : (
        <PaymentDetails payment={q.data} order={order} lang={lang} />
      )}
    </Card>
  );
}

function PaymentDetails({ payment, order, lang }: { payment: Payment; order: Order; lang: 'ja' | 'en' }) {
  const { t } = useI18n();
  const remaining = Math.max(0, payment.amount - payment.refunded_amount);
  const mayRefund = useCan('payments.refund');
  const refundable = remaining > 0 && payment.status !== 'refunded' && order.status !== 'cancelled';
  return (
    <div className="space-y-5">
      <dl className="grid grid-cols-2 gap-x-4 gap-y-3 text-sm sm:grid-cols-4">
        <div>
          <dt className="text-xs text-slate-500">{t('payment.amount')}</dt>
          <dd className="mt-0.5 font-semibold tabular-nums" data-testid="payment-amount">{formatYen(payment.amount)}</dd>
        </div>
        <div>
          <dt className="text-xs text-slate-500">{t('payment.refunded')}</dt>
          <dd className={cn('mt-0.5 font-semibold tabular-nums', payment.refunded_amount > 0 && 'text-rose-600')} data-testid="payment-refunded">
            {payment.refunded_amount > 0 ? `−${formatYen(payment.refunded_amount)}` : formatYen(0)}
          </dd>
        </div>
        <div>
          <dt className="text-xs text-slate-500">{t('payment.method')}</dt>
          <dd className="mt-0.5">{payment.method || '—'} <span className="text-xs text-slate-400">{payment.currency}</span></dd>
        </div>
        <div>
          <dt className="text-xs text-slate-500">{t('payment.at')}</dt>
          <dd className="mt-0.5 tabular-nums">{formatDateTime(payment.created_at, lang)}</dd>
        </div>
        <div className="col-span-2 sm:col-span-4">
          <dt className="text-xs text-slate-500">{t('payment.id')}</dt>
          <dd className="mt-0.5 font-mono text-xs break-all text-slate-600">{payment.id}</dd>
        </div>
      </dl>

      <div>
        <h3 className="mb-2 text-xs font-semibold text-slate-500">{t('payment.refunds')}</h3>
        {payment.refunds.length === 0 ? (
          <p className="text-sm text-slate-400">{t('payment.noRefunds')}</p>
        ) : (
          <ul className="divide-y divide-slate-100 rounded-lg ring-1 ring-slate-200" data-testid="refund-list">
            {payment.refunds.map((r) => (
              <li key={String(r.id)} className="flex flex-wrap items-center justify-between gap-2 px-3 py-2 text-sm" data-testid="refund-row">
                <div className="min-w-0">
                  <p className="font-medium text-rose-600 tabular-nums">−{formatYen(r.amount)}</p>
                  {r.reason && <p className="truncate text-xs text-slate-500">{t('payment.reason')}: {r.reason}</p>}
                  {r.created_by && (
                    <p className="truncate text-xs text-slate-500" title={r.created_by} data-testid="refund-by" data-actor={r.created_by}>
                      {t('payment.refundBy', { actor: formatActor(r.created_by, lang) })}
                    </p>
                  )}
                </div>
                <time className="text-xs text-slate-500 tabular-nums" dateTime={r.created_at}>{formatDateTime(r.created_at, lang)}</time>
              </li>
            ))}
          </ul>
        )}
      </div>

      {refundable && mayRefund && <RefundForm payment={payment} orderId={order.id} remaining={remaining} />}
      {refundable && !mayRefund && <p className="text-xs text-slate-500" data-testid="refund-not-allowed">{t('payment.refundAdminOnly')}</p>}
    </div>
  );
}
