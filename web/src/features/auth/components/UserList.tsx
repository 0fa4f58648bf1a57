import { useCallback, useState } from 'react';
import { Button } from '@/components/ui/Button';
import { Card } from '@/components/ui/Card';
import { Dialog } from '@/components/ui/Dialog';
import { EmptyState, ErrorState, LoadingState } from '@/components/ui/States';
import { ApiError } from '@/lib/api-client';
import { formatDateTime } from '@/lib/format';
import { useI18n } from '@/lib/i18n';
import { errorMessage } from '@/lib/query-client';
import { useSession } from '@/lib/session';
import { pushToast } from '@/lib/toast';
import type { Role, User } from '@/lib/types';
import { useDeleteUser } from '../api/delete-user';
import { useUsers } from '../api/get-users';
import { useUpdateUserRole } from '../api/update-user';
import { RoleSelect } from './RoleSelect';

/** The gateway's 409 for the last admin, in words; any other error as it is. */
function useUserError() {
  const { t, lang } = useI18n();
  return (error: unknown) => (error instanceof ApiError && error.status === 409 ? t('users.lastAdmin') : errorMessage(error, lang));
}

export function UserList() {
  const { t, lang } = useI18n();
  const me = useSession();
  const users = useUsers();
  const update = useUpdateUserRole();
  const describe = useUserError();
  const [removing, setRemoving] = useState<User | null>(null);
  const closeRemove = useCallback(() => setRemoving(null), []);

  const changeRole = (u: User, role: Role) =>
    update.mutate(
      { id: u.id, role },
      {
        onSuccess: (v) => pushToast({ kind: 'success', title: t('users.roleChanged', { email: v.email, role: t(`role.${v.role}`) }) }),
        onError: (e) => pushToast({ kind: 'error', title: t('common.error'), detail: describe(e) }, 8000),
      },
    );

  return (
    <Card title={users.data ? t('users.list', { count: users.data.length }) : t('nav.users')} testId="user-list">
      {users.isPending ? (
        <LoadingState />
      ) : users.isError ? (
        <div className="p-4"><ErrorState error={users.error} onRetry={() => void users.refetch()} /></div>
      ) : users.data.length === 0 ? (
        <EmptyState title={t('users.empty')} />
      ) : (
        <ul className="divide-y divide-slate-100">
          {users.data.map((u) => {
            const self = me?.kind === 'user' && me.email === u.email;
            return (
              <li key={u.id} className="flex flex-wrap items-center gap-x-4 gap-y-2 py-3 first:pt-0 last:pb-0" data-testid="user-row" data-email={u.email} data-role={u.role}>
                <div className="min-w-0 flex-1 basis-48">
                  <p className="truncate text-sm font-medium text-slate-900" title={u.email}>
                    {u.email}
                    {self && <span className="ml-2 rounded bg-indigo-50 px-1.5 py-0.5 text-[10px] font-medium text-indigo-700">{t('users.you')}</span>}
                  </p>
                  <p className="mt-0.5 text-xs text-slate-500 tabular-nums">
                    {t('users.col.created')} {formatDateTime(u.created_at, lang)}
                    {u.updated_at !== u.created_at && <> · {t('users.col.updated')} {formatDateTime(u.updated_at, lang)}</>}
                  </p>
                </div>
                <div className="flex items-center gap-2">
                  <label className="sr-only" htmlFor={`role-${u.id}`}>{t('users.changeRole', { email: u.email })}</label>
                  <RoleSelect
                    id={`role-${u.id}`}
                    value={u.role}
                    onChange={(r) => changeRole(u, r)}
                    disabled={update.isPending && update.variables?.id === u.id}
                    className="w-36"
                    data-testid="user-role"
                  />
                  <Button variant="ghost" size="sm" className="text-rose-700" onClick={() => setRemoving(u)} data-testid="remove-user">
                    {t('users.remove')}
                  </Button>
                </div>
              </li>
            );
          })}
        </ul>
      )}
      <RemoveUserDialog user={removing} onClose={closeRemove} />
    </Card>
  );
}

function RemoveUserDialog({ user, onClose }: { user: User | null; onClose: () => void }) {
  const { t } = useI18n();
  const remove = useDeleteUser();
  const describe = useUserError();
  const { reset } = remove;
  const close = useCallback(() => {
    onClose();
    reset();
  }, [onClose, reset]);
  if (!user) return null;
  return (
    <Dialog
      open
      onClose={remove.isPending ? () => undefined : close}
      title={t('users.removeTitle', { email: user.email })}
      footer={
        <>
          <Button variant="secondary" onClick={close} disabled={remove.isPending} data-autofocus>{t('common.cancel')}</Button>
          <Button
            variant="danger"
            loading={remove.isPending}
            data-testid="confirm-remove-user"
            onClick={() =>
              remove.mutate(user.id, {
                onSuccess: () => {
                  pushToast({ kind: 'success', title: t('users.removed', { email: user.email }) });
                  close();
                },
              })
            }
          >
            {t('users.removeConfirm')}
          </Button>
        </>
      }
    >
      <p>{t('users.removeBody')}</p>
      {remove.isError && (
        <p role="alert" className="mt-3 rounded-lg bg-rose-50 p-3 text-rose-900" data-testid="remove-user-error">{describe(remove.error)}</p>
      )}
    </Dialog>
  );
}
