/** Order status rules the UI needs: colours, the timeline, which actions apply. */
import type { OrderStatus, StatusChange } from '@/lib/types';

export const HAPPY_PATH: readonly OrderStatus[] = ['pending', 'payment_processing', 'paid', 'shipped', 'delivered'];
export const TERMINAL: readonly OrderStatus[] = ['delivered', 'payment_failed', 'cancelled'];

export type Tone = 'slate' | 'amber' | 'indigo' | 'sky' | 'emerald' | 'rose' | 'zinc';

export const TONE_CLASSES: Record<Tone, { badge: string; dot: string; bar: string }> = {
  slate: { badge: 'bg-slate-100 text-slate-700 ring-slate-500/20', dot: 'bg-slate-400', bar: 'bg-slate-400' },
  amber: { badge: 'bg-amber-50 text-amber-800 ring-amber-600/20', dot: 'bg-amber-500', bar: 'bg-amber-400' },
  indigo: { badge: 'bg-indigo-50 text-indigo-700 ring-indigo-600/20', dot: 'bg-indigo-500', bar: 'bg-indigo-500' },
  sky: { badge: 'bg-sky-50 text-sky-700 ring-sky-600/20', dot: 'bg-sky-500', bar: 'bg-sky-500' },
  emerald: { badge: 'bg-emerald-50 text-emerald-700 ring-emerald-600/20', dot: 'bg-emerald-500', bar: 'bg-emerald-500' },
  rose: { badge: 'bg-rose-50 text-rose-700 ring-rose-600/20', dot: 'bg-rose-500', bar: 'bg-rose-500' },
  zinc: { badge: 'bg-zinc-100 text-zinc-600 ring-zinc-500/20', dot: 'bg-zinc-400', bar: 'bg-zinc-400' },
};

export const STATUS_TONE: Record<OrderStatus, Tone> = {
  pending: 'slate',
  payment_processing: 'amber',
  paid: 'indigo',
  shipped: 'sky',
  delivered: 'emerald',
  payment_failed: 'rose',
  cancelled: 'zinc',
};

export type TimelineEntry = {
  status: OrderStatus;
  /** When it happened; absent for steps still to come. */
  at?: string;
  state: 'done' | 'current' | 'upcoming';
};

/**
 * The history as the API gave it (oldest first), the current status last
 * (added if the history does not end with it), then, for an order still on
 * its way, the steps of the happy path it has not reached yet.
 */
export function buildTimeline(history: readonly StatusChange[], current: OrderStatus): TimelineEntry[] {
  const sorted = [...history].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const entries: TimelineEntry[] = sorted.map((h) => ({ status: h.status, at: h.at, state: 'done' }));
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
