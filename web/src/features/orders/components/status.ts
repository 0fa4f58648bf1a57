/** Order status rules the UI needs: the timeline, which actions apply (colours: `@/components/ui/tones`). */
import type { OrderStatus, StatusChange } from '@/lib/types';

export const HAPPY_PATH: readonly OrderStatus[] = ['pending', 'payment_processing', 'paid', 'shipped', 'delivered'];
export const TERMINAL: readonly OrderStatus[] = ['delivered', 'payment_failed', 'cancelled'];

export type TimelineEntry = {
  status: OrderStatus;
  /** When it happened; absent for steps still to come. */
  at?: string;
  /** Who asked for it (`user:<email>`, `key:<id>:<name>`, `service:...`, `system:...`), when the gateway says. */
  actor?: string;
  state: 'done' | 'current' | 'upcoming';
};

/**
 * The history as the API gave it (oldest first), the current status last
 * (added if the history does not end with it), then, for an order still on
 * its way, the steps of the happy path it has not reached yet.
 */
export function buildTimeline(history: readonly StatusChange[], current: OrderStatus): TimelineEntry[] {
  const sorted = [...history].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const entries: TimelineEntry[] = sorted.map((h) => ({ status: h.status, at: h.at, ...(h.actor ? { actor: h.actor } : {}), state: 'done' }));
  const last = entries.at(-1);
  if (last && last.status === current) last.state = 'current';
  else entries.push({ status: current, state: 'current' });

  if (!TERMINAL.includes(current)) {
    const idx = HAPPY_PATH.indexOf(current);
    for (const s of HAPPY_PATH.slice(idx + 1)) entries.push({ status: s, state: 'upcoming' });
  }
  return entries;
}

export type OrderActions = { ship: boolean; deliver: boolean; cancel: boolean };

export function availableActions(status: OrderStatus): OrderActions {
  return {
    ship: status === 'paid',
    deliver: status === 'shipped',
    cancel: status === 'pending' || status === 'paid' || status === 'payment_failed',
  };
}
