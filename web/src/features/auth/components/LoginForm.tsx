import { useEffect, useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/Button';
import { Field, Input } from '@/components/ui/Field';
import { ApiError } from '@/lib/api-client';
import { formatFieldError, type FieldIssue } from '@/lib/field-errors';
import { useI18n } from '@/lib/i18n';
import { errorMessage } from '@/lib/query-client';
import { useLogin } from '../api/login';
import { formatWait } from './login-wait';

type Fields = 'email' | 'password';

/**
 * A clock that ticks once a second while `until` is in the future;
 * `restart` sets it to now (when a new wait begins).
 */
function useClockUntil(until: number | undefined): [number, (now: number) => void] {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (until === undefined) return;
    const id = window.setInterval(() => {
      const n = Date.now();
      setNow(n);
      if (n >= until) window.clearInterval(id);
    }, 1000);
    return () => window.clearInterval(id);
  }, [until]);
  return [now, setNow];
}

/**
 * E-mail and password. A wrong pair (401) and too many failures (429,
 * with the wait the gateway gives in `Retry-After`, counted down) are said
 * plainly; the gateway gives the same answer for an unknown e-mail as for
 * a wrong password, and so does this form.
 */
export function LoginForm({ onSignedIn }: { onSignedIn: () => void }) {
  const { t, lang } = useI18n();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [issues, setIssues] = useState<Partial<Record<Fields, FieldIssue>>>({});
  const [lockedUntil, setLockedUntil] = useState<number>();
  const login = useLogin();
  const [now, restartClock] = useClockUntil(lockedUntil);

  const error = login.error;
  const apiError = error instanceof ApiError ? error : undefined;
  const serverIssue = (field: Fields) => apiError?.fieldErrors.find((f) => f.field === field);
  const fieldError = (field: Fields) => {
    const issue = issues[field] ?? serverIssue(field);
    return issue && formatFieldError(lang, issue);
  };
  const locked = lockedUntil !== undefined && now < lockedUntil;

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    const next: Partial<Record<Fields, FieldIssue>> = {};
    if (!email.trim()) next.email = { code: 'required' };
    if (!password) next.password = { code: 'required' };
    setIssues(next);
    if (Object.keys(next).length > 0 || locked) return;
    login.mutate(
      { email: email.trim(), password },
      {
        onSuccess: onSignedIn,
        onError: (err) => {
          if (err instanceof ApiError && err.status === 429 && err.retryAfterSeconds !== undefined) {
            const at = Date.now();
            restartClock(at);
            setLockedUntil(at + err.retryAfterSeconds * 1000);
          }
          // A failed attempt clears the password, not the e-mail.
          setPassword('');
        },
      },
    );
  }

  let message: string | undefined;
  let code: string | undefined;
  if (apiError?.status === 401) {
    message = t('login.err.wrong');
    code = 'wrong-credentials';
  } else if (apiError?.status === 429) {
    code = 'too-many-attempts';
    if (lockedUntil === undefined) message = t('login.err.tooManyNoTime');
    else if (locked) message = t('login.err.tooMany', { wait: formatWait((lockedUntil - now) / 1000, t) });
    else message = t('login.retryNow');
  } else if (error && !(apiError && apiError.fieldErrors.length > 0)) {
    message = errorMessage(error, lang);
    code = 'other';
  }

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-4" data-testid="login-form">
      {message && (
        <div
          role="alert"
          className={
            code === 'too-many-attempts' && !locked
              ? 'rounded-lg bg-emerald-50 p-3 text-sm text-emerald-900 ring-1 ring-emerald-200'
              : 'rounded-lg bg-rose-50 p-3 text-sm text-rose-900 ring-1 ring-rose-200'
          }
          data-testid="login-error"
          data-code={code}
        >
          {message}
        </div>
      )}
      <Field id="login-email" label={t('login.email')} error={fieldError('email')}>
        <Input
          id="login-email"
          type="email"
          inputMode="email"
          autoComplete="username"
          autoCapitalize="none"
          spellCheck={false}
          value={email}
          invalid={!!fieldError('email')}
          onChange={(e) => setEmail(e.target.value)}
          data-autofocus
        />
      </Field>
      <Field id="login-password" label={t('login.password')} error={fieldError('password')}>
        <Input
          id="login-password"
          type="password"
          autoComplete="current-password"
          value={password}
          invalid={!!fieldError('password')}
          onChange={(e) => setPassword(e.target.value)}
        />
      </Field>
      <Button type="submit" className="w-full" loading={login.isPending} disabled={locked} data-testid="login-submit">
        {login.isPending ? t('login.submitting') : t('login.submit')}
      </Button>
    </form>
  );
}
