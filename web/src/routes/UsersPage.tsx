import { RequireCapability } from '@/components/layout/RequireCapability';
import { PageHeader } from '@/components/ui/PageHeader';
import { UserCreateForm } from '@/features/auth/components/UserCreateForm';
import { UserList } from '@/features/auth/components/UserList';
import { useI18n } from '@/lib/i18n';

export function UsersPage() {
  const { t } = useI18n();
  return (
    <>
      <PageHeader title={t('users.title')} subtitle={t('users.subtitle')} />
      <RequireCapability capability="users.manage">
        <div className="grid items-start gap-4 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
          <UserList />
          <UserCreateForm />
        </div>
      </RequireCapability>
    </>
  );
}
