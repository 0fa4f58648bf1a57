/** A tiny global toast store: any module may push, <Toaster/> renders. */
import { useSyncExternalStore } from 'react';

export type Toast = { id: number; kind: 'success' | 'error' | 'info'; title: string; detail?: string };

let toasts: Toast[] = [];
let nextId = 1;
const listeners = new Set<() => void>();

function emit() {
  for (const l of listeners) l();
}

export function pushToast(t: Omit<Toast, 'id'>, ttlMs = 5000): number {
  const id = nextId++;
  toasts = [...toasts, { ...t, id }].slice(-4);
  emit();
  if (ttlMs > 0) setTimeout(() => dismissToast(id), ttlMs);
  return id;
}

export function dismissToast(id: number) {
  const before = toasts.length;
  toasts = toasts.filter((t) => t.id !== id);
  if (toasts.length !== before) emit();
}

function subscribe(l: () => void) {
  listeners.add(l);
  return () => {
    listeners.delete(l);
  };
}

export function useToasts(): Toast[] {
  return useSyncExternalStore(subscribe, () => toasts, () => toasts);
}
