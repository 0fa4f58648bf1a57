import type { ReactNode } from 'react';
import { useI18n } from '@/lib/i18n';
import { ApiError } from '@/lib/api-client';
import { errorMessage } from '@/lib/query-client';
import { cn } from '@/lib/cn';
import { Button } from './Button';
import { Spinner } from './Spinner';

export function LoadingState({ label, className }: { label?: string; className?: string }) {
  const { t } = useI18n();
  return (
    <div role="status" className={cn('flex items-center justify-center gap-2 py-10 text-sm text-slate-500', className)}>
      <Spinner />
      <span>{label ?? t('common.loading')}</span>
    </div>
  );
}

/** An error with its detail and code; `title` says what could not be done (default: "something went wrong"). */
export function ErrorState({ error, onRetry, className, title, testId }: { error: unknown; onRetry?: () => void; className?: string; title?: string; testId?: string }) {
  const { t, lang } = useI18n();
  const code = error instanceof ApiError && !error.isNetworkError ? error.code : undefined;
  return (
    <div role="alert" className={cn('rounded-lg border border-rose-200 bg-rose-50 p-4 text-sm text-rose-900', className)} data-testid={testId} data-code={code}>
      {/* The retry button goes below the words when they would be squeezed (a phone). */}
      <div className="flex flex-wrap items-start gap-3">
        <svg viewBox="0 0 20 20" fill="currentColor" className="mt-0.5 size-5 shrink-0 text-rose-500" aria-hidden="true">
          <path fillRule="evenodd" d="M18 10a8 8 0 1 1-16 0 8 8 0 0 1 16 0Zm-8-5a.75.75 0 0 1 .75.75v4.5a.75.75 0 0 1-1.5 0v-4.5A.75.75 0 0 1 10 5Zm0 10a1 1 0 1 0 0-2 1 1 0 0 0 0 2Z" clipRule="evenodd" />
        </svg>
        <div className="min-w-48 flex-1">
          <p className="font-medium">{title ?? t('common.error')}</p>
          <p className="mt-1 break-words" data-testid="error-detail">{errorMessage(error, lang)}</p>
          {code && <p className="mt-1 font-mono text-xs text-rose-700">{t('common.code')}: {code}</p>}
        </div>
        {onRetry && (
          <Button variant="secondary" size="sm" onClick={onRetry} className="ml-auto">
            {t('common.retry')}
          </Button>
        )}
      </div>
    </div>
  );
}

export function EmptyState({ title, children, icon }: { title: string; children?: ReactNode; icon?: ReactNode }) {
  return (
    <div className="flex flex-col items-center justify-center gap-2 px-4 py-10 text-center">
      {icon ?? (
        <svg viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="1.5" className="size-10 text-slate-300" aria-hidden="true">
          <path strokeLinecap="round" strokeLinejoin="round" d="M20.25 7.5l-.625 10.632a2.25 2.25 0 01-2.247 2.118H6.622a2.25 2.25 0 01-2.247-2.118L3.75 7.5m8.25 3v6.75m0 0l-3-3m3 3l3-3M3.375 7.5h17.25c.621 0 1.125-.504 1.125-1.125v-1.5c0-.621-.504-1.125-1.125-1.125H3.375c-.621 0-1.125.504-1.125 1.125v1.5c0 .621.504 1.125 1.125 1.125z" />
        </svg>
      )}
      <p className="text-sm font-medium text-slate-700">{title}</p>
      {children && <div className="text-sm text-slate-500">{children}</div>}
    </div>
  );
}
