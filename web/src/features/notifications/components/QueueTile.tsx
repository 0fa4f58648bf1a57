import { StatTile, ValueSkeleton } from '@/components/ui/StatTile';
import { formatNumber, formatRate } from '@/lib/format';
import { useI18n } from '@/lib/i18n';
import { useQueueStats } from '../api/get-queue-stats';

/** The notification queue: mails waiting, sent, failed, and the sending rate. */
export function QueueTile() {
  const { t, lang } = useI18n();
  const queue = useQueueStats();
  return (
    <StatTile
      testId="stat-queue"
      label={t('dashboard.queueDepth')}
      tone={queue.data && queue.data.queued > 0 ? 'text-amber-600' : 'text-slate-900'}
      value={queue.data ? t('dashboard.queued', { count: formatNumber(queue.data.queued, lang) }) : queue.isError ? '—' : <ValueSkeleton />}
      sub={
        queue.data
          ? t('dashboard.queueDetail', { sent: formatNumber(queue.data.sent, lang), failed: formatNumber(queue.data.failed, lang), rate: formatRate(queue.data.rate_per_second, lang) })
          : queue.isError && <span className="text-rose-600">{queue.error.message}</span>
      }
    />
  );
}
