import type { ReactNode } from 'react';
import { cn } from '@/lib/cn';

export function Card({ title, actions, children, className, bodyClassName, testId }: {
  title?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
  className?: string;
  /** The body's classes instead of the default padding (`p-0` for a flush list). */
  bodyClassName?: string;
  testId?: string;
}) {
  return (
    <section className={cn('rounded-xl bg-white shadow-sm ring-1 ring-slate-200', className)} data-testid={testId}>
      {(title || actions) && (
        <header className="flex items-center justify-between gap-3 border-b border-slate-100 px-4 py-3 sm:px-5">
          {title && <h2 className="text-sm font-semibold text-slate-900">{title}</h2>}
          {actions && <div className="flex items-center gap-2">{actions}</div>}
        </header>
      )}
      {/* `bodyClassName` replaces the padding (appending p-0 would lose to p-4 in Tailwind's order). */}
      <div className={bodyClassName ?? 'p-4 sm:p-5'}>{children}</div>
    </section>
  );
}
