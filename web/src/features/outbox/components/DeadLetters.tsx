import { useState } from 'react';
import { Link } from 'react-router';
import { AttemptLog, LastError } from '@/components/ui/AttemptLog';
import { Button } from '@/components/ui/Button';
import { Card } from '@/components/ui/Card';
import { Dialog } from '@/components/ui/Dialog';
import { AllClear, CountPill, FAILURE_GRID, FailureListHeader } from '@/components/ui/FailureList';
import { EmptyState, ErrorState, LoadingState } from '@/components/ui/States';
import { TONE_CLASSES } from '@/components/ui/tones';
import { ApiError } from '@/lib/api-client';
import { cn } from '@/lib/cn';
import { formatDateTime, formatNumber } from '@/lib/format';
import { useI18n } from '@/lib/i18n';
import { errorMessage } from '@/lib/query-client';
import { useCan } from '@/lib/session';
import { pushToast } from '@/lib/toast';
import type { OutboxEvent, OutboxService } from '@/lib/types';
import { useDeadEvents } from '../api/get-dead-events';
import { useRetryAllDead, useRetryEvent } from '../api/retry-events';
import { mergeDead } from './merge-dead';

const SERVICE_TONE = { order: TONE_CLASSES.indigo.badge, payment: TONE_CLASSES.emerald.badge } as const satisfies Record<OutboxService, string>;

/**
 * The events the order and payment services could not deliver (dead
 * letters), in one list newest first, each with its service, last error and
 * attempts; an operator delivers one or all again.
 */
export function DeadLetters() {
  const { t, lang } = useI18n();
  const canRetry = useCan('deliveries.retry');
  const order = useDeadEvents('order');
  const payment = useDeadEvents('payment');
  const retryAll = useRetryAllDead();
  const [confirming, setConfirming] = useState(false);
  const merged = mergeDead([
    { service: 'order', query: order },
    { service: 'payment', query: payment },
  ]);
  const { events, failed, pending, hasMore } = merged;
  const count = t(hasMore ? 'failures.countMore' : 'failures.count', { count: formatNumber(events.length, lang) });
  const serviceNames = (services: readonly OutboxService[]) => services.map((s) => t(`deadLetters.service.${s}`)).join('、');
  const loaded = !pending && failed.length < 2;

  const runRetryAll = () =>
    retryAll.mutate(undefined, {
      onSuccess: (r) => {
        setConfirming(false);
        if (r.failed.length > 0) {
          const first = r.failed[0]?.error;
          pushToast({ kind: 'error', title: t('deadLetters.retryAllFailed', { services: serviceNames(r.failed.map((f) => f.service)) }), detail: errorMessage(first, lang) }, 8000);
        }
        if (r.failed.length < 2) pushToast({ kind: 'success', title: t('deadLetters.requeued', { count: formatNumber(r.requeued, lang) }) });
      },
    });

  return (
    <Card
      testId="dead-letters"
      title={
        <span className="flex items-center gap-2">
          {t('deadLetters.title')}
          {loaded && <CountPill count={events.length} label={count} testId="dead-letters-count" />}
        </span>
      }
      actions={
        canRetry && events.length > 0 ? (
          <Button variant="secondary" size="sm" onClick={() => setConfirming(true)} data-testid="retry-all-dead">
            {t('failures.retryAll')}
          </Button>
        ) : undefined
      }
      bodyClassName="p-0 sm:p-0"
    >
      {pending ? (
        <LoadingState />
      ) : failed.length === 2 ? (
        <div className="p-4 sm:p-5">
          <ErrorState
            error={failed[0]?.error}
            title={t('deadLetters.loadError')}
            onRetry={() => {
              void order.refetch();
              void payment.refetch();
            }}
            testId="dead-letters-error"
          />
        </div>
      ) : (
        <>
          {failed.length > 0 && (
            <div className="border-b border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900 sm:px-5" role="alert" data-testid="dead-letters-partial">
              <p className="font-medium">{t('deadLetters.partial', { services: serviceNames(failed.map((f) => f.service)) })}</p>
              {failed.map((f) => (
                <p key={f.service} className="mt-0.5 text-xs break-words text-amber-800">
                  {t(`deadLetters.service.${f.service}`)}: {errorMessage(f.error, lang)}
                </p>
              ))}
            </div>
          )}
          {events.length === 0 ? (
            <div data-testid="dead-letters-empty">
              <EmptyState title={t('deadLetters.empty')} icon={<AllClear />}>
                <p>{t('deadLetters.emptyBody')}</p>
              </EmptyState>
            </div>
          ) : (
            <>
              <FailureListHeader />
              <ul className="divide-y divide-slate-100">
                {events.map((e) => (
                  <DeadEventRow key={`${e.service}:${e.id}`} e={e} canRetry={canRetry} />
                ))}
              </ul>
            </>
          )}
          {hasMore && (
            <div className="border-t border-slate-100 px-4 py-3 text-center sm:px-5">
              <Button
                variant="ghost"
                size="sm"
                loading={order.isFetchingNextPage || payment.isFetchingNextPage}
                onClick={() => {
                  if (order.hasNextPage) void order.fetchNextPage();
                  if (payment.hasNextPage) void payment.fetchNextPage();
                }}
                data-testid="more-dead-letters"
              >
                {t('failures.loadMore')}
              </Button>
            </div>
          )}
        </>
      )}
      <Dialog
        open={confirming}
        onClose={() => setConfirming(false)}
        title={t('deadLetters.retryAllTitle')}
        footer={
          <>
            <Button variant="secondary" onClick={() => setConfirming(false)} disabled={retryAll.isPending}>{t('common.cancel')}</Button>
            <Button onClick={runRetryAll} loading={retryAll.isPending} data-testid="confirm-retry-all-dead">{t('failures.retryConfirm')}</Button>
          </>
        }
      >
        <p>{t('deadLetters.retryAllBody', { count })}</p>
      </Dialog>
    </Card>
  );
}

function DeadEventRow({ e, canRetry }: { e: OutboxEvent; canRetry: boolean }) {
  const { t, lang } = useI18n();
  const retry = useRetryEvent();
  const last = e.delivery_attempts.at(-1);
  const service = t(`deadLetters.service.${e.service}`);
  const onRetry = () =>
    retry.mutate(e, {
      onSuccess: () => pushToast({ kind: 'success', title: t('deadLetters.retried', { id: e.id, service }) }),
      onError: (err) => {
        if (err instanceof ApiError && err.status === 409) pushToast({ kind: 'info', title: t('deadLetters.notDead', { id: e.id }) });
        else if (err instanceof ApiError && err.status === 404) pushToast({ kind: 'info', title: t('deadLetters.gone', { id: e.id }) });
        else pushToast({ kind: 'error', title: t('common.error'), detail: errorMessage(err, lang) }, 8000);
      },
    });
  return (
    <li className={`px-4 py-4 sm:px-5 ${FAILURE_GRID}`} data-testid="dead-event" data-service={e.service} data-event-id={e.id} data-order-id={e.order_id} data-topic={e.topic}>
      <div className="min-w-0">
        <div className="flex flex-wrap items-center gap-1.5">
          <span className={cn('inline-flex rounded-full px-2 py-0.5 text-[11px] font-medium ring-1 ring-inset', SERVICE_TONE[e.service])} data-testid="dead-event-service">
            {service}
          </span>
          <span className="font-mono text-[11px] text-slate-400">#{e.id}</span>
        </div>
        <p className="mt-1.5 truncate font-mono text-xs text-slate-700" title={e.key}>{e.topic}</p>
        <Link to={`/orders/${e.order_id}`} className="mt-1 inline-block text-xs font-medium text-indigo-600 hover:underline" data-testid="failure-order-link">
          {t('failures.order', { id: e.order_id })}
        </Link>
      </div>
      <div className="mt-2 min-w-0 md:mt-0">
        <p className="text-sm font-medium break-words text-slate-900">{e.summary}</p>
        <LastError error={e.last_error} />
        <div className="mt-1.5 flex flex-wrap gap-x-3 gap-y-0.5 text-xs text-slate-500 tabular-nums">
          <span data-testid="failure-attempts">{t('failures.attempts', { count: e.attempts })}</span>
          {last && <span>{t('failures.lastAttempt', { time: formatDateTime(last.at, lang) })}</span>}
          <span>{t('failures.createdAt', { time: formatDateTime(e.created_at, lang) })}</span>
          {e.trace_id && (
            <span className="max-w-full truncate font-mono text-[11px] text-slate-400" title={`${t('failures.traceId')}: ${e.trace_id}`}>
              {e.trace_id}
            </span>
          )}
        </div>
        <AttemptLog attempts={e.delivery_attempts} />
      </div>
      {canRetry && (
        <div className="mt-3 md:mt-0">
          <Button variant="secondary" size="sm" loading={retry.isPending} onClick={onRetry} data-testid="retry-dead-event" className="w-full md:w-auto">
            {t('failures.retry')}
          </Button>
        </div>
      )}
    </li>
  );
}
