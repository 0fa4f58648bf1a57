import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, call } from '@/lib/api-client';
import { authKeys } from '@/lib/query-keys';
import type { NewApiKey } from '@/lib/types';

/** The one answer that carries the key itself: it is shown once and never cached. */
export function createApiKey(body: NewApiKey) {
  return call(api.POST('/api/v1/auth/api-keys', { body }));
}

export function useCreateApiKey() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: createApiKey,
    meta: { inlineError: true },
    // The list is fetched again (it has no key), not patched from this answer (which has it).
    onSuccess: () => qc.invalidateQueries({ queryKey: authKeys.apiKeys() }),
    // Forget the answer (the key) soon after the dialog that shows it lets go of it.
    gcTime: 0,
  });
}
