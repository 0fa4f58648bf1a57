import { useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/Button';
import { Card } from '@/components/ui/Card';
import { Field, Input } from '@/components/ui/Field';
import { ErrorState } from '@/components/ui/States';
import { ApiError } from '@/lib/api-client';
import { formatFieldError } from '@/lib/field-errors';
import { useI18n } from '@/lib/i18n';
import { USER_LIMITS } from '@/lib/limits';
import { pushToast } from '@/lib/toast';
import type { Role } from '@/lib/types';
import { useCreateUser } from '../api/create-user';
import { RoleHint, RoleSelect } from './RoleSelect';
import { validateUser, type Issues } from './user-validation';

type F = 'email' | 'password';

export function UserCreateForm() {
  const { t, lang } = useI18n();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [issues, setIssues] = useState<Issues<F>>({});
  const create = useCreateUser();

  const apiError = create.error instanceof ApiError ? create.error : undefined;
  const fieldError = (f: F): string | undefined => {
    const issue = issues[f] ?? apiError?.fieldErrors.find((e) => e.field === f);
    if (issue) return formatFieldError(lang, issue);
    if (f === 'email' && apiError?.status === 409) return t('users.exists');
    return undefined;
  };
  const otherError = create.isError && !(apiError && (apiError.status === 409 || apiError.fieldErrors.length > 0));

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    const found = validateUser({ email, password });
    setIssues(found);
    if (Object.keys(found).length > 0) return;
    create.mutate(
      { email: email.trim(), password, role },
      {
        onSuccess: (u) => {
          pushToast({ kind: 'success', title: t('users.created', { email: u.email }) });
          setEmail('');
          setPassword('');
          setRole('viewer');
          create.reset();
        },
      },
    );
  }

  const { minLength, maxLength } = USER_LIMITS.password;
  return (
    <Card title={t('users.create')} testId="user-create">
      <form onSubmit={onSubmit} noValidate className="space-y-4">
        <Field id="user-email" label={t('users.email')} error={fieldError('email')}>
          <Input id="user-email" type="email" inputMode="email" autoComplete="off" value={email} invalid={!!fieldError('email')} onChange={(e) => setEmail(e.target.value)} />
        </Field>
        <Field id="user-password" label={t('users.password')} hint={t('users.passwordHint', { min: minLength, max: maxLength })} error={fieldError('password')}>
          <Input id="user-password" type="password" autoComplete="new-password" value={password} invalid={!!fieldError('password')} onChange={(e) => setPassword(e.target.value)} />
        </Field>
        <Field id="user-role" label={t('users.role')}>
          <RoleSelect id="user-role" value={role} onChange={setRole} aria-describedby="user-role-hint" />
          <RoleHint role={role} id="user-role-hint" />
        </Field>
        {otherError && <ErrorState error={create.error} />}
        <Button type="submit" className="w-full sm:w-auto" loading={create.isPending} data-testid="submit-user">
          {create.isPending ? t('users.submitting') : t('users.submit')}
        </Button>
      </form>
    </Card>
  );
}
