/**
 * The colour tones of badges, dots and bars, shared by every feature that
 * shows a status (orders, the dashboard, imports).
 */
import type { OrderStatus } from '@/lib/types';

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

/** The tone of each order status (badge, timeline, dashboard breakdown). */
export const ORDER_STATUS_TONE: Record<OrderStatus, Tone> = {
  pending: 'slate',
  payment_processing: 'amber',
  paid: 'indigo',
  shipped: 'sky',
  delivered: 'emerald',
  payment_failed: 'rose',
  cancelled: 'zinc',
};
