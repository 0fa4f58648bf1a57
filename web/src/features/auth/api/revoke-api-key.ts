import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, call } from '@/lib/api-client';
import { authKeys } from '@/lib/query-keys';
import type { ApiKey } from '@/lib/types';

export function revokeApiKey(id: ApiKey['id']) {
  return call(api.DELETE('/api/v1/auth/api-keys/{id}', { params: { path: { id } } }));
}

export function useRevokeApiKey() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: revokeApiKey,
    meta: { inlineError: true },
    onSuccess: (key) => {
      qc.setQueryData<ApiKey[]>(authKeys.apiKeys(), (old) => old?.map((k) => (k.id === key.id ? key : k)));
    },
  });
}
