import { Link } from 'react-router';
import { ORDER_STATUS_TONE, TONE_CLASSES } from '@/components/ui/tones';
import { cn } from '@/lib/cn';
import { formatNumber } from '@/lib/format';
import { useI18n } from '@/lib/i18n';
import { ORDER_STATUSES, type OrderStats } from '@/lib/types';

export function StatusBreakdown({ byStatus }: { byStatus: OrderStats['by_status'] }) {
  const { t, lang } = useI18n();
  const max = Math.max(1, ...ORDER_STATUSES.map((s) => byStatus[s] ?? 0));
  return (
    <ul className="space-y-2.5" data-testid="status-breakdown">
      {ORDER_STATUSES.map((s) => {
        const n = byStatus[s] ?? 0;
        const tone = TONE_CLASSES[ORDER_STATUS_TONE[s]];
        return (
          <li key={s}>
            <Link to={`/orders?status=${s}`} className="group block" data-status={s}>
              <div className="flex items-center justify-between text-sm">
                <span className="flex items-center gap-2 text-slate-700 group-hover:text-indigo-700">
                  <span className={cn('size-2 rounded-full', tone.dot)} aria-hidden="true" />
                  {t(`status.${s}`)}
                </span>
                <span className="font-semibold tabular-nums text-slate-900">{formatNumber(n, lang)}</span>
              </div>
              <div className="mt-1 h-1.5 overflow-hidden rounded-full bg-slate-100">
                <div className={cn('h-full rounded-full', tone.bar)} style={{ width: `${(n / max) * 100}%` }} />
              </div>
            </Link>
          </li>
        );
      })}
    </ul>
  );
}
