import { useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { api, call } from '@/lib/api-client';
import { outboxKeys, timelineKeys } from '@/lib/query-keys';
import { OUTBOX_SERVICES, type OutboxEvent, type OutboxService } from '@/lib/types';

export function retryEvent(service: OutboxService, id: OutboxEvent['id']) {
  return call(api.POST('/api/v1/outbox/{service}/events/{id}/retry', { params: { path: { service, id } } }));
}

export function retryDead(service: OutboxService) {
  return call(api.POST('/api/v1/outbox/{service}/retry-dead', { params: { path: { service } } }));
}

/** What retrying every service's dead letters did: how many went again, and which services refused. */
export type RetriedAll = { requeued: number; failed: { service: OutboxService; error: unknown }[] };

/** Asks every service at once; one that fails does not stop the others. */
export async function retryAllDead(services: readonly OutboxService[] = OUTBOX_SERVICES): Promise<RetriedAll> {
  const settled = await Promise.allSettled(services.map((s) => retryDead(s)));
  const out: RetriedAll = { requeued: 0, failed: [] };
  settled.forEach((r, i) => {
    const service = services[i];
    if (service === undefined) return;
    if (r.status === 'fulfilled') out.requeued += r.value.requeued;
    else out.failed.push({ service, error: r.reason });
  });
  return out;
}

function refresh(qc: QueryClient, orderId?: OutboxEvent['order_id']) {
  void qc.invalidateQueries({ queryKey: outboxKeys.all });
  void qc.invalidateQueries({ queryKey: orderId === undefined ? timelineKeys.all : timelineKeys.byOrder(orderId) });
}

/** Delivers one dead event again; the component words the outcome (409, 404). */
export function useRetryEvent() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (e: Pick<OutboxEvent, 'service' | 'id' | 'order_id'>) => retryEvent(e.service, e.id),
    meta: { inlineError: true },
    onSettled: (_data, _error, e) => refresh(qc, e.order_id),
  });
}

/** Delivers every dead event of every service again. */
export function useRetryAllDead() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => retryAllDead(),
    onSettled: () => refresh(qc),
  });
}
