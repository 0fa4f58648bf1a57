import { useEffect, useState } from 'react';
import { Card } from '@/components/ui/Card';
import { EmptyState, ErrorState, LoadingState } from '@/components/ui/States';
import { cn } from '@/lib/cn';
import { formatDateTime } from '@/lib/format';
import { useI18n } from '@/lib/i18n';
import type { Notification, OrderId } from '@/lib/types';
import { useOrderNotifications } from '../api/get-order-notifications';

const tone: Record<Notification['status'], string> = {
  queued: 'bg-amber-50 text-amber-800 ring-amber-600/20',
  sent: 'bg-emerald-50 text-emerald-700 ring-emerald-600/20',
  failed: 'bg-rose-50 text-rose-700 ring-rose-600/20',
};

const WATCH_MS = 60_000;

/**
 * True for a minute after the order last changed (at least 15 s after the
 * page saw the change, whatever the clocks say): new notifications are
 * expected then.
 */
function useWatchWindow(changedAt: string | undefined): boolean {
  const [expired, setExpired] = useState<string>();
  useEffect(() => {
    if (!changedAt) return;
    const remaining = Math.max(15_000, Date.parse(changedAt) + WATCH_MS - Date.now());
    const timer = setTimeout(() => setExpired(changedAt), Number.isFinite(remaining) ? remaining : 15_000);
    return () => clearTimeout(timer);
  }, [changedAt]);
  return changedAt !== undefined && expired !== changedAt;
}

/** `changedAt`: when the order last changed; the log is watched for a while after it. */
export function NotificationLog({ orderId, changedAt }: { orderId: OrderId; changedAt?: string }) {
  const { t, lang } = useI18n();
  const watch = useWatchWindow(changedAt);
  const q = useOrderNotifications(orderId, { watch });
  const polling = q.data?.some((n) => n.status === 'queued');
  return (
    <Card
      title={t('notifications.title')}
      actions={polling && <span className="flex items-center gap-1.5 text-xs text-slate-500"><span className="size-1.5 animate-pulse rounded-full bg-amber-500" />{t('common.autoRefresh')}</span>}
      testId="notification-log"
      bodyClassName="p-0 sm:p-0"
    >
      {q.isPending ? (
        <LoadingState className="py-6" />
      ) : q.isError ? (
        <div className="p-4"><ErrorState error={q.error} onRetry={() => void q.refetch()} /></div>
      ) : q.data.length === 0 ? (
        <EmptyState title={t('notifications.empty')} />
      ) : (
        <ol className="divide-y divide-slate-100">
          {q.data.map((n) => (
            <li key={String(n.id)} className="px-4 py-3 sm:px-5" data-testid="notification" data-template={n.template} data-status={n.status}>
              <div className="flex flex-wrap items-center gap-2">
                <span className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-[11px] font-medium text-slate-700">{n.template}</span>
                <span className={cn('inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset', tone[n.status])}>
                  {t(`notification.status.${n.status}`)}
                </span>
                <span className="text-xs text-slate-500">{t(`notification.channel.${n.channel}`)} → {n.recipient}</span>
                <time className="ml-auto text-xs text-slate-500 tabular-nums" dateTime={n.created_at}>{formatDateTime(n.created_at, lang)}</time>
              </div>
              <p className="mt-1.5 text-sm font-medium text-slate-900">{n.subject}</p>
              <div className="mt-1 flex flex-wrap gap-x-3 text-xs text-slate-500">
                {n.sent_at && <span>{t('notifications.sentAt', { time: formatDateTime(n.sent_at, lang) })}</span>}
                {n.attempts > 1 && <span>{t('notifications.attempts', { count: n.attempts })}</span>}
              </div>
              {n.last_error && <p className="mt-1 text-xs break-words text-rose-600">{n.last_error}</p>}
              <details className="mt-1.5 group">
                <summary className="cursor-pointer text-xs text-indigo-600 select-none hover:underline">{t('notifications.showBody')}</summary>
                <pre className="mt-2 rounded-lg bg-slate-50 p-3 font-sans text-xs whitespace-pre-wrap text-slate-700">{n.body}</pre>
              </details>
            </li>
          ))}
        </ol>
      )}
    </Card>
  );
}
