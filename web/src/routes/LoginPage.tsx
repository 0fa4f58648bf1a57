import { useLocation, useNavigate, useSearchParams } from 'react-router';
import { LanguageSwitch } from '@/components/layout/AppShell';
import { LoginForm } from '@/features/auth/components/LoginForm';
import { useI18n } from '@/lib/i18n';
import { safeNext } from '@/lib/next-path';
import type { LoginState } from '@/lib/session';

/** Sign-in, then back to `?next=` (a path of this site only). */
export function LoginPage() {
  const { t } = useI18n();
  const [sp] = useSearchParams();
  const navigate = useNavigate();
  const state = useLocation().state as LoginState | null;
  const next = safeNext(sp.get('next'));
  const notice = state?.signedOut ? t('login.signedOut') : sp.has('next') ? t('login.continue') : undefined;
  return (
    <div className="flex min-h-dvh flex-col bg-slate-900">
      <div className="flex justify-end p-4">
        <LanguageSwitch />
      </div>
      <main className="flex flex-1 items-start justify-center px-4 pt-6 pb-16 sm:items-center sm:pt-0">
        <div className="w-full max-w-sm">
          <div className="mb-6 flex flex-col items-center gap-3 text-center">
            <img src="/favicon.svg" alt="" className="size-12" />
            <div>
              <p className="text-lg font-bold text-white">{t('app.title')}</p>
              <p className="text-xs text-slate-400">{t('app.subtitle')}</p>
            </div>
          </div>
          <div className="rounded-2xl bg-white p-6 shadow-xl" data-testid="login-card">
            <h1 className="text-xl font-bold tracking-tight text-slate-900">{t('login.title')}</h1>
            <p className="mt-1 mb-5 text-sm text-slate-500" data-testid="login-notice">{notice ?? t('login.subtitle')}</p>
            <LoginForm onSignedIn={() => void navigate(next, { replace: true })} />
          </div>
        </div>
      </main>
    </div>
  );
}
