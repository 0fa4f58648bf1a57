import { dismissToast, useToasts } from '@/lib/toast';
import { cn } from '@/lib/cn';

export function Toaster() {
  const toasts = useToasts();
  return (
    <div aria-live="polite" className="pointer-events-none fixed inset-x-0 bottom-0 z-[60] flex flex-col items-center gap-2 p-4 sm:items-end">
      {toasts.map((t) => (
        <div
          key={t.id}
          role={t.kind === 'error' ? 'alert' : 'status'}
          data-testid="toast"
          data-kind={t.kind}
          className={cn(
            'pointer-events-auto flex w-full max-w-sm items-start gap-3 rounded-xl bg-white p-3 text-sm shadow-lg ring-1',
            t.kind === 'error' ? 'ring-rose-200' : t.kind === 'success' ? 'ring-emerald-200' : 'ring-slate-200',
          )}
        >
          <span className={cn('mt-1 size-2 shrink-0 rounded-full', t.kind === 'error' ? 'bg-rose-500' : t.kind === 'success' ? 'bg-emerald-500' : 'bg-slate-400')} />
          <div className="min-w-0 flex-1">
            <p className="font-medium text-slate-900">{t.title}</p>
            {t.detail && <p className="mt-0.5 break-words text-slate-600">{t.detail}</p>}
          </div>
          <button type="button" className="rounded p-0.5 text-slate-400 hover:text-slate-600" aria-label="×" onClick={() => dismissToast(t.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
