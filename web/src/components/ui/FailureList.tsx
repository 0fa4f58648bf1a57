import { useI18n } from '@/lib/i18n';

/**
 * The pieces of a list of failed deliveries (the operations page's failed
 * notifications and dead letters): one grid, a count, an "all clear".
 */

/** The columns of a failure row on wide screens: what, why, the action. */
export const FAILURE_GRID = 'md:grid md:grid-cols-[12rem_minmax(0,1fr)_auto] md:gap-x-5';

/** The column titles above the rows (wide screens only). */
export function FailureListHeader() {
  const { t } = useI18n();
  return (
    <div className={`hidden border-b border-slate-100 px-5 py-2 text-xs font-medium text-slate-500 ${FAILURE_GRID}`} aria-hidden="true">
      <span>{t('failures.col.what')}</span>
      <span>{t('failures.col.error')}</span>
      <span />
    </div>
  );
}

/** How many are listed ("50+" when more pages wait): red while any, green when none. */
export function CountPill({ count, label, testId }: { count: number; label: string; testId?: string }) {
  return (
    <span
      className={
        count > 0
          ? 'rounded-full bg-rose-100 px-2 py-0.5 text-xs font-semibold whitespace-nowrap text-rose-700 tabular-nums'
          : 'rounded-full bg-emerald-50 px-2 py-0.5 text-xs font-semibold whitespace-nowrap text-emerald-700 tabular-nums'
      }
      data-testid={testId}
      data-count={count}
    >
      {label}
    </span>
  );
}

/** A check mark: nothing waits for an operator. */
export function AllClear() {
  return (
    <svg viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="1.5" className="size-10 text-emerald-400" aria-hidden="true">
      <path strokeLinecap="round" strokeLinejoin="round" d="M9 12.75L11.25 15 15 9.75M21 12a9 9 0 11-18 0 9 9 0 0118 0z" />
    </svg>
  );
}
