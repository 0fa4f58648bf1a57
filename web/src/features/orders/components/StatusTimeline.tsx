import { useI18n } from '@/lib/i18n';
import { formatDateTime } from '@/lib/format';
import { cn } from '@/lib/cn';
import { formatActor } from '@/lib/actor';
import type { OrderStatus, StatusChange } from '@/lib/types';
import { ORDER_STATUS_TONE, TONE_CLASSES } from '@/components/ui/tones';
import { buildTimeline } from './status';

export function StatusTimeline({ history, current }: { history: readonly StatusChange[]; current: OrderStatus }) {
  const { t, lang } = useI18n();
  const entries = buildTimeline(history, current);
  return (
    <ol className="relative" data-testid="status-timeline">
      {entries.map((e, i) => {
        const tone = TONE_CLASSES[ORDER_STATUS_TONE[e.status]];
        const last = i === entries.length - 1;
        return (
          <li key={`${e.status}-${i}`} className="relative flex gap-3 pb-5 last:pb-0" data-state={e.state} data-status={e.status}>
            {!last && (
              <span
                className={cn('absolute top-4 left-[7px] h-full w-0.5', e.state === 'upcoming' ? 'bg-slate-100' : 'bg-slate-200')}
                aria-hidden="true"
              />
            )}
            <span
              className={cn(
                'relative z-10 mt-0.5 flex size-4 shrink-0 items-center justify-center rounded-full ring-4 ring-white',
                e.state === 'upcoming' ? 'border-2 border-dashed border-slate-300 bg-white' : tone.dot,
              )}
              aria-hidden="true"
            >
              {e.state === 'current' && <span className="size-1.5 rounded-full bg-white" />}
            </span>
            <div className="min-w-0">
              <p className={cn('text-sm', e.state === 'upcoming' ? 'text-slate-400' : 'font-medium text-slate-900')}>
                {t(`status.${e.status}`)}
                {e.state === 'current' && <span className="ml-2 rounded bg-slate-100 px-1.5 py-0.5 text-[10px] font-medium text-slate-600">{t('order.current')}</span>}
              </p>
              {e.at && <time className="text-xs text-slate-500" dateTime={e.at}>{formatDateTime(e.at, lang)}</time>}
              {e.actor && (
                <p className="truncate text-xs text-slate-500" title={e.actor} data-testid="status-actor" data-actor={e.actor}>
                  {t('actor.by', { actor: formatActor(e.actor, lang) })}
                </p>
              )}
            </div>
          </li>
        );
      })}
    </ol>
  );
}
