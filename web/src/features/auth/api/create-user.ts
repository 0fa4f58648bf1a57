import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, call } from '@/lib/api-client';
import { authKeys } from '@/lib/query-keys';
import type { NewUser } from '@/lib/types';

export function createUser(body: NewUser) {
  return call(api.POST('/api/v1/auth/users', { body }));
}

export function useCreateUser() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: createUser,
    meta: { inlineError: true },
    onSuccess: () => qc.invalidateQueries({ queryKey: authKeys.users() }),
  });
}
