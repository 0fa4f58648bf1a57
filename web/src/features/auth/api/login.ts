import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, call } from '@/lib/api-client';
import { clearSessionExpired } from '@/lib/session-expiry';
import type { Login } from '@/lib/types';

/** `POST /api/v1/auth/login`: 204 and the session cookie; 401 wrong e-mail or password; 429 locked (Retry-After). */
export async function login(body: Login): Promise<void> {
  await call(api.POST('/api/v1/auth/login', { body }));
}

export function useLogin() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: login,
    meta: { inlineError: true },
    onSuccess: () => {
      // A new session: nothing cached under the previous one is kept.
      qc.clear();
      clearSessionExpired();
    },
  });
}
