import { cn } from '@/lib/cn';
import { formatDateTimeSeconds } from '@/lib/format';
import { useI18n } from '@/lib/i18n';
import type { DeliveryAttempt } from '@/lib/types';
import { TONE_CLASSES, type Tone } from './tones';

/** One try at delivering something: a notification's or an outbox event's (the same words for both). */
export type Attempt = DeliveryAttempt;

const OUTCOME_TONE: Record<Attempt['outcome'], Tone> = { sent: 'emerald', retry: 'amber', failed: 'rose', unconfirmed: 'sky' };

/** What an attempt came to, as a badge. */
export function OutcomeBadge({ outcome }: { outcome: Attempt['outcome'] }) {
  const { t } = useI18n();
  return (
    <span className={cn('inline-flex items-center rounded-full px-2 py-0.5 text-[11px] font-medium ring-1 ring-inset', TONE_CLASSES[OUTCOME_TONE[outcome]].badge)}>
      {t(`failures.outcome.${outcome}`)}
    </span>
  );
}

/** Why the last attempt failed, as the mail server, the SMS provider or the receiving service said it. */
export function LastError({ error }: { error: string | null | undefined }) {
  const { t } = useI18n();
  if (!error) return <p className="mt-1.5 text-xs text-slate-400" data-testid="last-error">{t('failures.noError')}</p>;
  return (
    <p className="mt-1.5 rounded-md bg-rose-50 px-2.5 py-1.5 font-mono text-xs break-words whitespace-pre-wrap text-rose-800 ring-1 ring-rose-200 ring-inset" data-testid="last-error">
      {error}
    </p>
  );
}

/**
 * Every attempt at a delivery, oldest first, folded away under a summary
 * (the last error is shown beside it already).
 */
export function AttemptLog({ attempts, testId = 'attempt-log' }: { attempts: readonly Attempt[]; testId?: string }) {
  const { t, lang } = useI18n();
  return (
    <details className="group mt-2" data-testid={testId}>
      <summary className="inline-flex cursor-pointer items-center gap-1 text-xs font-medium text-indigo-600 select-none hover:underline">
        <svg viewBox="0 0 20 20" fill="currentColor" className="size-3.5 transition-transform group-open:rotate-90" aria-hidden="true">
          <path fillRule="evenodd" d="M7.21 14.77a.75.75 0 0 1 .02-1.06L11.168 10 7.23 6.29a.75.75 0 1 1 1.04-1.08l4.5 4.25a.75.75 0 0 1 0 1.08l-4.5 4.25a.75.75 0 0 1-1.06-.02Z" clipRule="evenodd" />
        </svg>
        {t('failures.showAttempts', { count: attempts.length })}
      </summary>
      {attempts.length === 0 ? (
        <p className="mt-2 text-xs text-slate-500">{t('failures.noAttempts')}</p>
      ) : (
        <ol className="mt-2 divide-y divide-slate-100 rounded-lg bg-slate-50 ring-1 ring-slate-200">
          {attempts.map((a) => (
            <li key={a.attempt} className="px-3 py-2" data-testid="attempt" data-attempt={a.attempt} data-outcome={a.outcome}>
              <div className="flex flex-wrap items-center gap-x-2 gap-y-1 text-xs">
                <span className="font-mono font-medium text-slate-500">#{a.attempt}</span>
                <OutcomeBadge outcome={a.outcome} />
                <time className="text-slate-600 tabular-nums" dateTime={a.at}>{formatDateTimeSeconds(a.at, lang)}</time>
                <span className="ml-auto text-slate-400 tabular-nums">{t('failures.durationMs', { ms: a.duration_ms })}</span>
              </div>
              {a.error && <p className="mt-1 font-mono text-[11px] break-words whitespace-pre-wrap text-rose-700">{a.error}</p>}
            </li>
          ))}
        </ol>
      )}
    </details>
  );
}
