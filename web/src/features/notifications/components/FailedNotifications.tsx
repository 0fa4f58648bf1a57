import { useState } from 'react';
import { Link } from 'react-router';
import { AttemptLog, LastError } from '@/components/ui/AttemptLog';
import { Button } from '@/components/ui/Button';
import { Card } from '@/components/ui/Card';
import { Dialog } from '@/components/ui/Dialog';
import { AllClear, CountPill, FAILURE_GRID, FailureListHeader } from '@/components/ui/FailureList';
import { EmptyState, ErrorState, LoadingState } from '@/components/ui/States';
import { ApiError } from '@/lib/api-client';
import { formatDateTime, formatNumber } from '@/lib/format';
import { useI18n } from '@/lib/i18n';
import { errorMessage } from '@/lib/query-client';
import { useCan } from '@/lib/session';
import { pushToast } from '@/lib/toast';
import type { Notification } from '@/lib/types';
import { useFailedNotifications } from '../api/get-failed-notifications';
import { useRetryFailedNotifications, useRetryNotification } from '../api/retry-notification';

/**
 * The notifications that could not be sent, newest first, each with the
 * last error and its attempts; an operator retries one or all.
 */
export function FailedNotifications() {
  const { t, lang } = useI18n();
  const canRetry = useCan('deliveries.retry');
  const q = useFailedNotifications();
  const retryAll = useRetryFailedNotifications();
  const [confirming, setConfirming] = useState(false);
  const items = q.data?.pages.flatMap((p) => p.notifications) ?? [];
  const count = t(q.hasNextPage ? 'failures.countMore' : 'failures.count', { count: formatNumber(items.length, lang) });

  const runRetryAll = () =>
    retryAll.mutate(undefined, {
      onSuccess: (r) => {
        setConfirming(false);
        pushToast({ kind: 'success', title: t('failedNotifications.requeued', { count: formatNumber(r.requeued, lang) }) });
      },
    });

  return (
    <Card
      testId="failed-notifications"
      title={
        <span className="flex items-center gap-2">
          {t('failedNotifications.title')}
          {q.isSuccess && <CountPill count={items.length} label={count} testId="failed-notifications-count" />}
        </span>
      }
      actions={
        canRetry && items.length > 0 ? (
          <Button variant="secondary" size="sm" onClick={() => setConfirming(true)} data-testid="retry-all-notifications">
            {t('failures.retryAll')}
          </Button>
        ) : undefined
      }
      bodyClassName="p-0 sm:p-0"
    >
      {q.isPending ? (
        <LoadingState />
      ) : q.isError ? (
        <div className="p-4 sm:p-5">
          <ErrorState error={q.error} title={t('failedNotifications.loadError')} onRetry={() => void q.refetch()} testId="failed-notifications-error" />
        </div>
      ) : items.length === 0 ? (
        <div data-testid="failed-notifications-empty">
          <EmptyState title={t('failedNotifications.empty')} icon={<AllClear />}>
            <p>{t('failedNotifications.emptyBody')}</p>
          </EmptyState>
        </div>
      ) : (
        <>
          <FailureListHeader />
          <ul className="divide-y divide-slate-100">
            {items.map((n) => (
              <FailedNotificationRow key={n.id} n={n} canRetry={canRetry} />
            ))}
          </ul>
          {q.hasNextPage && (
            <div className="border-t border-slate-100 px-4 py-3 text-center sm:px-5">
              <Button variant="ghost" size="sm" loading={q.isFetchingNextPage} onClick={() => void q.fetchNextPage()} data-testid="more-failed-notifications">
                {t('failures.loadMore')}
              </Button>
            </div>
          )}
        </>
      )}
      <Dialog
        open={confirming}
        onClose={() => setConfirming(false)}
        title={t('failedNotifications.retryAllTitle')}
        footer={
          <>
            <Button variant="secondary" onClick={() => setConfirming(false)} disabled={retryAll.isPending}>{t('common.cancel')}</Button>
            <Button onClick={runRetryAll} loading={retryAll.isPending} data-testid="confirm-retry-all-notifications">{t('failures.retryConfirm')}</Button>
          </>
        }
      >
        <p>{t('failedNotifications.retryAllBody', { count })}</p>
      </Dialog>
    </Card>
  );
}

function FailedNotificationRow({ n, canRetry }: { n: Notification; canRetry: boolean }) {
  const { t, lang } = useI18n();
  const retry = useRetryNotification();
  const last = n.delivery_attempts.at(-1);
  // An SMS has no subject: its text, on one line, says what it was.
  const title = n.subject || n.body.replace(/\s+/g, ' ').trim();
  const onRetry = () =>
    retry.mutate(n, {
      onSuccess: () => pushToast({ kind: 'success', title: t('failedNotifications.retried', { id: n.id }) }),
      onError: (e) => {
        if (e instanceof ApiError && e.status === 409) pushToast({ kind: 'info', title: t('failedNotifications.notFailed', { id: n.id }) });
        else pushToast({ kind: 'error', title: t('common.error'), detail: errorMessage(e, lang) }, 8000);
      },
    });
  return (
    <li className={`px-4 py-4 sm:px-5 ${FAILURE_GRID}`} data-testid="failed-notification" data-notification-id={n.id} data-order-id={n.order_id} data-channel={n.channel}>
      <div className="min-w-0">
        <div className="flex flex-wrap items-center gap-1.5">
          <span className="rounded bg-slate-100 px-1.5 py-0.5 text-[11px] font-medium text-slate-700">{t(`notification.channel.${n.channel}`)}</span>
          <span className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-[11px] text-slate-600">{n.template}</span>
          <span className="font-mono text-[11px] text-slate-400">#{n.id}</span>
        </div>
        <p className="mt-1.5 truncate text-xs text-slate-600" title={n.recipient}>→ {n.recipient}</p>
        <Link to={`/orders/${n.order_id}`} className="mt-1 inline-block text-xs font-medium text-indigo-600 hover:underline" data-testid="failure-order-link">
          {t('failures.order', { id: n.order_id })}
        </Link>
      </div>
      <div className="mt-2 min-w-0 md:mt-0">
        <p className="truncate text-sm font-medium text-slate-900" title={title} data-testid="failure-title">{title}</p>
        <LastError error={n.last_error} />
        <div className="mt-1.5 flex flex-wrap gap-x-3 gap-y-0.5 text-xs text-slate-500 tabular-nums">
          <span data-testid="failure-attempts">{t('failures.attempts', { count: n.attempts })}</span>
          {last && <span>{t('failures.lastAttempt', { time: formatDateTime(last.at, lang) })}</span>}
          <span>{t('failures.createdAt', { time: formatDateTime(n.created_at, lang) })}</span>
        </div>
        <AttemptLog attempts={n.delivery_attempts} />
      </div>
      {canRetry && (
        <div className="mt-3 md:mt-0">
          <Button variant="secondary" size="sm" loading={retry.isPending} onClick={onRetry} data-testid="retry-notification" className="w-full md:w-auto">
            {t('failures.retry')}
          </Button>
        </div>
      )}
    </li>
  );
}
