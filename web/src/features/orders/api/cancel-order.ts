import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiFetch, seg } from '@/lib/api-client';
import type { Id, Order } from '@/lib/types';
import { notificationKeys, orderKeys, paymentKeys } from '@/lib/query-keys';

export function cancelOrder(id: Id): Promise<Order> {
  return apiFetch<Order>(`/api/v1/orders/${seg(id)}`, { method: 'DELETE' });
}

export function useCancelOrder(id: Id) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => cancelOrder(id),
    meta: { inlineError: true },
    onSuccess: async (order) => {
      qc.setQueryData(orderKeys.detail(id), order);
      await Promise.all([
        qc.invalidateQueries({ queryKey: orderKeys.all }),
        // Refetched even when no page shows it: the cancel dialog reads the refund from it.
        qc.invalidateQueries({ queryKey: paymentKeys.byOrder(id), refetchType: 'all' }),
        qc.invalidateQueries({ queryKey: notificationKeys.byOrder(id) }),
      ]);
    },
  });
}
