import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { ErrorState, LoadingState } from '@/components/ui/States';
import { ApiError } from '@/lib/api-client';
import { useI18n } from '@/lib/i18n';
import { loginPath } from '@/lib/next-path';
import { meQuery, SessionContext } from '@/lib/session';
import { useSessionExpired } from '@/lib/session-expiry';

/**
 * The pages behind sign-in: asks who is signed in, sends a person who is
 * not (or whose session has just ended: any API answer 401) to the sign-in
 * page with the address they were on, and gives the pages the principal.
 */
export function SessionGate({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  const location = useLocation();
  const me = useQuery(meQuery());
  const expired = useSessionExpired();

  const signedOut = me.error instanceof ApiError && me.error.status === 401;
  if (expired || signedOut) return <Navigate to={loginPath(location)} replace />;
  if (me.isPending) return <LoadingState className="min-h-dvh" label={t('session.checking')} />;
  if (me.isError) {
    return (
      <div className="mx-auto max-w-lg p-6">
        <ErrorState error={me.error} onRetry={() => void me.refetch()} />
      </div>
    );
  }
  return <SessionContext.Provider value={me.data}>{children}</SessionContext.Provider>;
}
