import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, call } from '@/lib/api-client';
import { notificationKeys, orderKeys, paymentKeys } from '@/lib/query-keys';
import type { OrderId } from '@/lib/types';

export function cancelOrder(id: OrderId) {
  return call(api.DELETE('/api/v1/orders/{id}', { params: { path: { id } } }));
}

export function useCancelOrder(id: OrderId) {
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
