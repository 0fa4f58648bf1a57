import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useReducer } from 'react';
import { buildUrl } from '@/lib/api-client';
import type { Import } from '@/lib/types';
import { importKeys, orderKeys } from '@/lib/query-keys';
import {
  initialProgress,
  isActive,
  moreAdvanced,
  parseImportData,
  parseProblemData,
  progressReducer,
  type Phase,
} from '../components/import-progress';
import { useImport } from './get-imports';

export const importEventsUrl = (id: string) => buildUrl(`/api/v1/orders/imports/${encodeURIComponent(id)}/events`);

/**
 * An import with live progress: the snapshot from GET, then, while it runs,
 * the SSE stream. Mount it keyed by the id (a new id starts afresh).
 */
export function useImportProgress(id: string) {
  const qc = useQueryClient();
  const q = useImport(id);
  const [state, dispatch] = useReducer(progressReducer, initialProgress);
  const watch = q.data !== undefined && isActive(q.data.status) && state.phase !== 'done';

  useEffect(() => {
    if (!watch) return;
    const es = new EventSource(importEventsUrl(id));
    const onOpen = () => dispatch({ type: 'open' });
    const onProgress = (e: MessageEvent) => {
      const imp = parseImportData(e.data);
      if (imp) dispatch({ type: 'progress', import: imp });
    };
    const onDone = (e: MessageEvent) => {
      es.close();
      const imp = parseImportData(e.data);
      if (imp) {
        dispatch({ type: 'done', import: imp });
        qc.setQueryData<Import>(importKeys.detail(id), (prev) => moreAdvanced(prev, imp) ?? imp);
      }
      void qc.invalidateQueries({ queryKey: importKeys.detail(id) });
      void qc.invalidateQueries({ queryKey: importKeys.lists() });
      void qc.invalidateQueries({ queryKey: importKeys.errors(id) });
      void qc.invalidateQueries({ queryKey: orderKeys.all });
    };
    const onError = (e: Event) => {
      // The gateway's own `event: error` carries a problem; a bare error
      // event is the connection (the browser reconnects unless closed).
      if (e instanceof MessageEvent && typeof e.data === 'string' && e.data !== '') {
        es.close();
        dispatch({ type: 'failed', error: parseProblemData(e.data) });
      } else if (es.readyState === EventSource.CLOSED) {
        dispatch({ type: 'failed', error: parseProblemData(undefined) });
      } else {
        dispatch({ type: 'disconnected' });
      }
    };
    es.addEventListener('open', onOpen);
    es.addEventListener('progress', onProgress);
    es.addEventListener('done', onDone);
    es.addEventListener('error', onError);
    return () => es.close();
  }, [id, watch, qc]);

  // The snapshot keeps polling when the stream is lost, so progress never freezes.
  const streamLost = watch && (state.phase === 'error' || state.phase === 'reconnecting');
  const { refetch } = q;
  useEffect(() => {
    if (!streamLost) return;
    const t = setInterval(() => void refetch(), 2000);
    return () => clearInterval(t);
  }, [streamLost, refetch]);

  const current = moreAdvanced(q.data, state.import);
  // 'idle': finished before we looked, no stream was needed.
  const finished = current !== null && !isActive(current.status);
  const phase: Phase | 'idle' = finished ? (state.phase === 'done' ? 'done' : 'idle') : state.phase;
  return { query: q, import: current, phase, streamError: phase === 'error' ? state.error : null };
}
