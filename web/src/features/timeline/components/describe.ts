import type { Translate } from '@/lib/i18n';
import { ORDER_STATUSES, type DeliveryAttempt, type OrderStatus, type TimelineEntry } from '@/lib/types';

/** The kinds the gateway documents, each worded in the operator's language. */
const KINDS = ['payment_completed', 'refunded', 'notification_queued', 'notification_attempt', 'event_written', 'event_attempt', 'api_call'] as const;
type Kind = (typeof KINDS)[number];

function isKind(k: string): k is Kind {
  return (KINDS as readonly string[]).includes(k);
}

function isOrderStatus(s: string): s is OrderStatus {
  return (ORDER_STATUSES as readonly string[]).includes(s);
}

/**
 * An entry in words: `label` says what happened in the operator's language
 * (from `kind`), `detail` is the gateway's English summary when it says more
 * (a status change says it all in the label). An unknown kind has only the
 * summary.
 */
export function describeEntry(e: Pick<TimelineEntry, 'kind' | 'summary'>, t: Translate): { label: string | null; detail: string | null } {
  if (e.kind === 'status_changed') {
    const status = /^status (\w+)$/.exec(e.summary)?.[1];
    if (status && isOrderStatus(status)) return { label: t('timeline.kind.status_changed', { status: t(`status.${status}`) }), detail: null };
    return { label: t('timeline.kind.status'), detail: e.summary };
  }
  if (isKind(e.kind)) return { label: t(`timeline.kind.${e.kind}`), detail: e.summary };
  return { label: null, detail: e.summary };
}

type Outcome = DeliveryAttempt['outcome'];

/** Every outcome the gateway documents: the Record has the compiler insist on a new one. */
const OUTCOMES: Record<Outcome, true> = { sent: true, retry: true, failed: true, unconfirmed: true };

function isOutcome(w: string): w is Outcome {
  return Object.hasOwn(OUTCOMES, w);
}

/** What a delivery attempt came to, read from its summary (`… attempt 2: retry after 3 ms …`); null for other entries. */
export function attemptOutcome(e: Pick<TimelineEntry, 'kind' | 'summary'>): Outcome | null {
  if (!e.kind.endsWith('_attempt')) return null;
  const word = /attempt \d+: (\w+) after/.exec(e.summary)?.[1];
  return word && isOutcome(word) ? word : null;
}
