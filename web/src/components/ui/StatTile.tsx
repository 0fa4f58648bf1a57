import type { ReactNode } from 'react';
import { cn } from '@/lib/cn';

/** One figure of the dashboard: a label, a big value and a line under it. */
export function StatTile({ label, value, sub, testId, tone = 'text-slate-900', className }: { label: string; value: ReactNode; sub?: ReactNode; testId?: string; tone?: string; className?: string }) {
  return (
    <div className={cn('h-full rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-200 sm:p-5', className)} data-testid={testId}>
      <p className="text-xs font-medium text-slate-500">{label}</p>
      <p className={cn('mt-1 text-2xl font-bold tracking-tight tabular-nums', tone)}>{value}</p>
      {sub && <p className="mt-1 truncate text-xs text-slate-500">{sub}</p>}
    </div>
  );
}

/** Where a figure will be once it has arrived. */
export function ValueSkeleton() {
  return <span className="inline-block h-7 w-24 animate-pulse rounded bg-slate-100 align-middle" />;
}
