import { ErrorState, LoadingState } from '@/components/ui/States';
import { cn } from '@/lib/cn';
import { formatTime } from '@/lib/format';
import { useI18n } from '@/lib/i18n';
import type { Readiness } from '@/lib/types';
import { useReadiness } from '../api/get-readiness';

type ServiceName = keyof Readiness['services'];
const SERVICES: ServiceName[] = ['order', 'payment', 'notification'];

const dot: Record<Readiness['services'][ServiceName], string> = {
  serving: 'bg-emerald-500',
  not_serving: 'bg-amber-500',
  unreachable: 'bg-rose-500',
};

export function HealthPanel() {
  const { t, lang } = useI18n();
  const q = useReadiness();
  if (q.isPending) return <LoadingState className="py-4" />;
  if (q.isError) return <ErrorState error={q.error} onRetry={() => void q.refetch()} />;
  const r = q.data;
  const checkedAt = new Date(q.dataUpdatedAt);
  return (
    <div data-testid="health-panel" data-status={r.status}>
      <p className={cn('mb-3 flex items-center gap-2 text-sm font-medium', r.status === 'ready' ? 'text-emerald-700' : 'text-rose-700')}>
        <span className={cn('size-2.5 rounded-full', r.status === 'ready' ? 'bg-emerald-500' : 'animate-pulse bg-rose-500')} aria-hidden="true" />
        {t(r.status === 'ready' ? 'health.ready' : 'health.degraded')}
      </p>
      <ul className="divide-y divide-slate-100 rounded-lg ring-1 ring-slate-200">
        {SERVICES.map((s) => {
          const state = r.services[s];
          return (
            <li key={s} className="flex items-center justify-between px-3 py-2 text-sm" data-service={s} data-state={state}>
              <span className="text-slate-700">{t(`dashboard.service.${s}`)}</span>
              <span className="flex items-center gap-1.5 text-xs font-medium text-slate-600">
                <span className={cn('size-2 rounded-full', dot[state] ?? 'bg-slate-400')} aria-hidden="true" />
                {t(`health.${state}`)}
              </span>
            </li>
          );
        })}
      </ul>
      <p className="mt-2 text-right text-[11px] text-slate-400 tabular-nums">{t('common.updatedAt', { time: formatTime(checkedAt, lang) })}</p>
    </div>
  );
}
