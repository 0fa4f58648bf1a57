import { Link } from 'react-router';
import { Card } from '@/components/ui/Card';
import { ErrorState } from '@/components/ui/States';
import { buttonClass } from '@/components/ui/styles';
import { ApiError } from '@/lib/api-client';
import { cn } from '@/lib/cn';
import { formatDateTime, formatNumber, formatRate, formatYen } from '@/lib/format';
import { formatActor } from '@/lib/actor';
import { useI18n } from '@/lib/i18n';
import type { Import } from '@/lib/types';
import { useSendingRate } from '../api/get-sending-rate';
import { isActive, progressPercent, type Phase } from './import-progress';
import { ImportStatusBadge } from './ImportStatusBadge';

function Counter({ label, value, testId, tone, sub, subTestId }: { label: string; value: string; testId: string; tone?: 'rose' | 'emerald'; sub?: string; subTestId?: string }) {
  return (
    <div className="rounded-lg bg-slate-50 px-3 py-2.5 ring-1 ring-slate-100">
      <dt className="text-xs text-slate-500">{label}</dt>
      <dd className={cn('mt-0.5 text-lg font-semibold text-slate-900 tabular-nums', tone === 'rose' && 'text-rose-700', tone === 'emerald' && 'text-emerald-700')} data-testid={testId}>
        {value}
      </dd>
      {sub && <p className="text-[11px] text-slate-400" data-testid={subTestId}>{sub}</p>}
    </div>
  );
}

function seconds(from: string | null | undefined, to: string | null | undefined): number | null {
  if (!from || !to) return null;
  const ms = Date.parse(to) - Date.parse(from);
  return Number.isFinite(ms) && ms >= 0 ? ms / 1000 : null;
}

/** Status, progress bar and counters of one import; live while `phase` says so. */
export function ImportProgressPanel({ imp, phase, streamError, title }: { imp: Import; phase: Phase | 'idle'; streamError?: ApiError | null; title?: string }) {
  const { t, lang } = useI18n();
  const pct = progressPercent(imp);
  const active = isActive(imp.status);
  const n = (v: number) => formatNumber(v, lang);
  const took = seconds(imp.started_at ?? imp.created_at, imp.finished_at);
  const sending = !active && imp.notifications_sent < imp.notifications_queued;
  const rate = useSendingRate();

  const live =
    phase === 'live' || phase === 'connecting' ? (
      <span className="inline-flex items-center gap-1.5 text-xs text-indigo-600" data-testid="live-indicator">
        <span className="size-2 animate-pulse rounded-full bg-indigo-500" aria-hidden="true" />
        {phase === 'live' ? t('import.live') : t('import.connecting')}
      </span>
    ) : phase === 'reconnecting' ? (
      <span className="text-xs text-amber-700">{t('import.reconnecting')}</span>
    ) : null;

  return (
    <Card
      testId="import-progress"
      title={
        <span className="flex min-w-0 flex-wrap items-center gap-2">
          <span className="truncate" data-testid="import-file-name">{title ?? imp.file_name}</span>
          <ImportStatusBadge status={imp.status} />
        </span>
      }
      actions={live}
    >
      <div className="@container" data-status={imp.status} data-testid="import-progress-body">
        <div className="mb-1.5 flex items-baseline justify-between gap-2 text-sm">
          <span className="text-slate-600 tabular-nums" data-testid="import-rows">
            {t('import.processed', { processed: n(imp.processed_rows), total: n(imp.total_rows) })}
          </span>
          <span className="font-semibold text-slate-900 tabular-nums" data-testid="import-percent">{pct}%</span>
        </div>
        <div
          className="h-3 overflow-hidden rounded-full bg-slate-100"
          role="progressbar"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={pct}
          aria-label={t('import.progress')}
          data-testid="import-progress-bar"
        >
          <div
            className={cn(
              'h-full rounded-full transition-[width] duration-300',
              imp.status === 'failed' ? 'bg-rose-500' : imp.status === 'completed_with_errors' ? 'bg-amber-400' : active ? 'bg-indigo-500' : 'bg-emerald-500',
            )}
            style={{ width: `${pct}%` }}
          />
        </div>

        <dl className="mt-4 grid grid-cols-2 gap-2 @md:grid-cols-3 @3xl:grid-cols-6">
          <Counter label={t('import.ordersCreated')} value={n(imp.orders_created)} testId="count-orders" />
          <Counter label={t('import.succeededRows')} value={n(imp.succeeded_rows)} testId="count-succeeded" tone="emerald" />
          <Counter label={t('import.failedRows')} value={n(imp.failed_rows)} testId="count-failed" tone={imp.failed_rows > 0 ? 'rose' : undefined} />
          <Counter label={t('import.amountPaid')} value={formatYen(imp.payments_total_amount)} testId="count-amount" />
          <Counter label={t('import.notificationsQueued')} value={n(imp.notifications_queued)} testId="count-queued" sub={imp.digest ? t('import.digestOn') : undefined} />
          <Counter
            label={t('import.notificationsSent')}
            value={n(imp.notifications_sent)}
            testId="count-sent"
            sub={sending ? (rate !== undefined ? t('import.sending', { rate: formatRate(rate, lang) }) : t('import.sendingNoRate')) : undefined}
            subTestId="sending-rate"
          />
        </dl>

        {imp.status === 'failed' && imp.error && (
          <p role="alert" className="mt-4 rounded-lg border border-rose-200 bg-rose-50 p-3 text-sm text-rose-900" data-testid="import-failure">{imp.error}</p>
        )}
        {streamError && <ErrorState className="mt-4" error={streamError} />}

        <div className="mt-4 flex flex-wrap items-center justify-between gap-3 border-t border-slate-100 pt-3">
          <p className="text-xs text-slate-500 tabular-nums">
            {t('import.meta', { by: formatActor(imp.submitted_by, lang), at: formatDateTime(imp.created_at, lang), encoding: imp.encoding })}
            {took !== null && <> · {t('import.took', { seconds: took.toFixed(1) })}</>}
          </p>
          {!active && imp.orders_created > 0 && (
            <Link to={`/orders?batch=${encodeURIComponent(imp.id)}`} className={buttonClass('secondary', 'sm')} data-testid="view-orders">
              {t('import.viewOrders')} →
            </Link>
          )}
        </div>
      </div>
    </Card>
  );
}
