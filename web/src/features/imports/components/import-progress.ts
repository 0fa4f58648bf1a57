/**
 * Live progress of an import from its Server-Sent Events: `progress` events
 * carry the import, one `done` event the final one, `error` a problem. The
 * reducer keeps the most advanced import seen, whatever order snapshots and
 * events arrive in.
 */
import { ApiError, problemToError } from '@/lib/api-client';
import type { Import, ImportStatus } from '@/lib/types';

export type Phase = 'connecting' | 'live' | 'reconnecting' | 'done' | 'error';

export type ProgressState = { import: Import | null; phase: Phase; error: ApiError | null };

export type ProgressEvent =
  | { type: 'open' }
  | { type: 'progress'; import: Import }
  | { type: 'done'; import: Import }
  | { type: 'failed'; error: ApiError }
  | { type: 'disconnected' };

export const initialProgress: ProgressState = { import: null, phase: 'connecting', error: null };

const ACTIVE: readonly ImportStatus[] = ['queued', 'running'];

/** Still being processed (a watch is worth opening). */
export function isActive(status: ImportStatus): boolean {
  return ACTIVE.includes(status);
}

/** The later of two views of one import: finished beats running, then more rows, then more mail sent; a tie keeps `b`. */
export function moreAdvanced(a: Import | null | undefined, b: Import | null | undefined): Import | null {
  if (!a) return b ?? null;
  if (!b) return a;
  const fa = !isActive(a.status);
  const fb = !isActive(b.status);
  if (fa !== fb) return fa ? a : b;
  if (a.status === 'queued' && b.status === 'running') return b;
  if (a.status === 'running' && b.status === 'queued') return a;
  if (a.processed_rows !== b.processed_rows) return a.processed_rows > b.processed_rows ? a : b;
  if (a.notifications_sent !== b.notifications_sent) return a.notifications_sent > b.notifications_sent ? a : b;
  return b;
}

export function progressReducer(state: ProgressState, event: ProgressEvent): ProgressState {
  if (state.phase === 'done' && event.type !== 'done') return state;
  switch (event.type) {
    case 'open':
      return { ...state, phase: 'live', error: null };
    case 'progress':
      return { import: moreAdvanced(state.import, event.import), phase: 'live', error: null };
    case 'done':
      return { import: moreAdvanced(state.import, event.import), phase: 'done', error: null };
    case 'failed':
      return { ...state, phase: 'error', error: event.error };
    case 'disconnected':
      return state.phase === 'error' ? state : { ...state, phase: 'reconnecting' };
  }
}

/** Percent of rows processed, 0..100; a finished import is 100. */
export function progressPercent(imp: Pick<Import, 'status' | 'processed_rows' | 'total_rows'>): number {
  if (!isActive(imp.status)) return 100;
  if (imp.total_rows <= 0) return 0;
  return Math.max(0, Math.min(100, Math.floor((imp.processed_rows / imp.total_rows) * 100)));
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** An event's data as an import, or null if it is not one. */
export function parseImportData(data: unknown): Import | null {
  if (typeof data !== 'string') return null;
  let v: unknown;
  try {
    v = JSON.parse(data);
  } catch {
    return null;
  }
  if (!isRecord(v) || typeof v.id !== 'string' || typeof v.status !== 'string') return null;
  if (typeof v.processed_rows !== 'number' || typeof v.total_rows !== 'number') return null;
  return v as Import;
}

/** An `error` event's problem document as an ApiError. */
export function parseProblemData(data: unknown): ApiError {
  let body: unknown = data;
  if (typeof data === 'string') {
    try {
      body = JSON.parse(data);
    } catch {
      body = undefined;
    }
  }
  return problemToError(500, 'Import progress failed', body);
}
