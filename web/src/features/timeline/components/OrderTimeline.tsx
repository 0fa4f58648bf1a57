import { OutcomeBadge } from '@/components/ui/AttemptLog';
import { Card } from '@/components/ui/Card';
import { EmptyState, ErrorState, LoadingState } from '@/components/ui/States';
import { TONE_CLASSES, type Tone } from '@/components/ui/tones';
import { formatActor } from '@/lib/actor';
import { cn } from '@/lib/cn';
import { formatDateTime, formatDateTimeSeconds } from '@/lib/format';
import { useI18n } from '@/lib/i18n';
import type { OrderId, TimelineEntry, TimelineSource } from '@/lib/types';
import { useOrderTimeline } from '../api/get-order-timeline';
import { attemptOutcome, describeEntry } from './describe';
import { safeTraceUrl } from './trace-url';

const SOURCE_TONE: Record<TimelineSource, Tone> = {
  order: 'indigo',
  payment: 'emerald',
  notification: 'sky',
  gateway: 'slate',
};

const SOURCES = Object.keys(SOURCE_TONE) as TimelineSource[];

function isSource(s: string): s is TimelineSource {
  return (SOURCES as string[]).includes(s);
}

/** A source in words; one the admin does not know (a newer gateway's) as the gateway names it. */
function useSourceName() {
  const { t } = useI18n();
  return (s: string) => (isSource(s) ? t(`timeline.source.${s}`) : s);
}

/**
 * What happened to an order, everywhere, oldest first: its status changes,
 * payment and refunds, mails, deliveries between the services and the
 * calls that made them, each with who did it and a way to its trace.
 */
export function OrderTimeline({ orderId, changedAt }: { orderId: OrderId; changedAt?: string }) {
  const { t } = useI18n();
  const sourceName = useSourceName();
  const q = useOrderTimeline(orderId, changedAt);
  const unavailable = q.data?.unavailable ?? [];
  return (
    <Card
      testId="order-timeline"
      title={
        <span className="flex flex-wrap items-baseline gap-x-2">
          {t('timeline.title')}
          <span className="text-xs font-normal text-slate-400">{t('timeline.hint')}</span>
        </span>
      }
      bodyClassName="p-0 sm:p-0"
    >
      {q.isPending ? (
        <LoadingState className="py-6" />
      ) : q.isError ? (
        <div className="p-4 sm:p-5">
          <ErrorState error={q.error} title={t('timeline.loadError')} onRetry={() => void q.refetch()} testId="timeline-error" />
        </div>
      ) : (
        <>
          {unavailable.length > 0 && (
            <div
              role="alert"
              className="flex items-start gap-2 border-b border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900 sm:px-5"
              data-testid="timeline-unavailable"
              data-sources={unavailable.join(',')}
            >
              <svg viewBox="0 0 20 20" fill="currentColor" className="mt-0.5 size-4 shrink-0 text-amber-500" aria-hidden="true">
                <path fillRule="evenodd" d="M8.485 2.495c.673-1.167 2.357-1.167 3.03 0l6.28 10.875c.673 1.167-.17 2.625-1.516 2.625H3.72c-1.347 0-2.189-1.458-1.515-2.625L8.485 2.495ZM10 5a.75.75 0 0 1 .75.75v3.5a.75.75 0 0 1-1.5 0v-3.5A.75.75 0 0 1 10 5Zm0 9a1 1 0 1 0 0-2 1 1 0 0 0 0 2Z" clipRule="evenodd" />
              </svg>
              <p>{t('timeline.unavailable', { sources: unavailable.map(sourceName).join('、') })}</p>
            </div>
          )}
          {q.data.events.length === 0 ? (
            <EmptyState title={t('timeline.empty')} />
          ) : (
            <ol className="divide-y divide-slate-100" data-testid="timeline-entries">
              {q.data.events.map((e, i) => (
                <TimelineRow key={`${e.at}-${i}`} e={e} />
              ))}
            </ol>
          )}
        </>
      )}
    </Card>
  );
}

function TimelineRow({ e }: { e: TimelineEntry }) {
  const { t, lang } = useI18n();
  const sourceName = useSourceName();
  const tone = isSource(e.source) ? SOURCE_TONE[e.source] : 'zinc';
  const url = safeTraceUrl(e.trace_url);
  const { label, detail } = describeEntry(e, t);
  const outcome = attemptOutcome(e);
  return (
    <li
      className="flex flex-col gap-1 px-4 py-2.5 sm:flex-row sm:gap-4 sm:px-5"
      data-testid="timeline-entry"
      data-source={e.source}
      data-kind={e.kind}
      data-at={e.at}
      data-summary={e.summary}
      data-outcome={outcome ?? undefined}
    >
      <time className="shrink-0 pt-0.5 text-xs text-slate-500 tabular-nums sm:w-28" dateTime={e.at} title={formatDateTime(e.at, lang)}>
        {formatDateTimeSeconds(e.at, lang)}
      </time>
      <div className="min-w-0 flex-1">
        <div className="flex items-start gap-2">
          <span className={cn('mt-px inline-flex shrink-0 rounded-full px-2 py-0.5 text-[11px] font-medium ring-1 ring-inset', TONE_CLASSES[tone].badge)} data-testid="timeline-source">
            {sourceName(e.source)}
          </span>
          <p className="min-w-0 text-sm break-words" data-testid="timeline-summary">
            {label && <span className="mr-2 font-medium text-slate-900">{label}</span>}
            {outcome && <span className="mr-2 align-[1px]"><OutcomeBadge outcome={outcome} /></span>}
            {detail && <span className={label ? 'text-slate-600' : 'text-slate-900'}>{detail}</span>}
          </p>
        </div>
        <div className="mt-1 flex flex-wrap items-center gap-x-3 gap-y-0.5 text-xs text-slate-500">
          {e.actor && (
            <span className="min-w-0 break-all" title={e.actor} data-testid="timeline-actor" data-actor={e.actor}>
              {t('actor.by', { actor: formatActor(e.actor, lang) })}
            </span>
          )}
          {url ? (
            <a
              href={url}
              target="_blank"
              rel="noopener noreferrer"
              className="inline-flex items-center gap-0.5 font-medium text-indigo-600 hover:underline"
              title={t('timeline.openTrace', { id: e.trace_id ?? '' })}
              data-testid="timeline-trace-link"
            >
              {t('timeline.trace')}
              <svg viewBox="0 0 20 20" fill="currentColor" className="size-3" aria-hidden="true">
                <path fillRule="evenodd" d="M4.25 5.5a.75.75 0 0 0-.75.75v8.5c0 .414.336.75.75.75h8.5a.75.75 0 0 0 .75-.75v-4a.75.75 0 0 1 1.5 0v4A2.25 2.25 0 0 1 12.75 17h-8.5A2.25 2.25 0 0 1 2 14.75v-8.5A2.25 2.25 0 0 1 4.25 4h5a.75.75 0 0 1 0 1.5h-5Zm7.25-.75a.75.75 0 0 1 .75-.75h3.5a.75.75 0 0 1 .75.75v3.5a.75.75 0 0 1-1.5 0V6.56l-5.22 5.22a.75.75 0 1 1-1.06-1.06l5.22-5.22H12.25a.75.75 0 0 1-.75-.75Z" clipRule="evenodd" />
              </svg>
            </a>
          ) : (
            e.trace_id && (
              <code className="font-mono text-[11px] break-all text-slate-500 select-all" title={t('failures.traceId')} data-testid="timeline-trace-id">
                {e.trace_id}
              </code>
            )
          )}
        </div>
      </div>
    </li>
  );
}
