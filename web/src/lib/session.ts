/**
 * Who is signed in, for every part of the admin: the shell shows them and
 * their role, features ask `useCan(capability)` before offering an action
 * (the rule is `access.ts`). The session gate fetches `GET /api/v1/auth/me`
 * and provides the answer; signing out lives here because the shell has the button.
 */
import { createContext, useContext } from 'react';
import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { can, type Capability } from './access';
import { api, call } from './api-client';
import { LOGIN_ROUTE } from './next-path';
import { authKeys } from './query-keys';
import type { Me } from './types';

export function getMe(signal?: AbortSignal) {
  return call(api.GET('/api/v1/auth/me', { signal }));
}

export const meQuery = () =>
  queryOptions({
    queryKey: authKeys.me(),
    queryFn: ({ signal }) => getMe(signal),
    // Who one is does not change while one is signed in (a role changed by an admin shows on the next load).
    staleTime: 5 * 60_000,
    refetchOnWindowFocus: false,
  });

/** The signed-in principal; null outside the session gate (nothing is allowed). */
export const SessionContext = createContext<Me | null>(null);

export function useSession(): Me | null {
  return useContext(SessionContext);
}

/** Whether the signed-in principal may do this (see `access.ts`). */
export function useCan(capability: Capability): boolean {
  return can(useSession()?.role, capability);
}

/** What the sign-in page is told when it is opened by signing out. */
export type LoginState = { signedOut?: boolean };

export function signOut() {
  return call(api.POST('/api/v1/auth/logout'));
}

/**
 * Signs out, then shows the sign-in page and forgets every answer (the next
 * person to sign in on this browser sees nothing of this one's).
 */
export function useSignOut() {
  const qc = useQueryClient();
  const navigate = useNavigate();
  return useMutation({
    mutationFn: signOut,
    meta: { inlineError: true },
    // Signed out or not (an expired session answers 401), the person leaves.
    onSettled: async () => {
      const state: LoginState = { signedOut: true };
      await navigate(LOGIN_ROUTE, { replace: true, state });
      qc.clear();
    },
  });
}
