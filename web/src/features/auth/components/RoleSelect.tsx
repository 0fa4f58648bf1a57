import type { ComponentProps } from 'react';
import { Select } from '@/components/ui/Field';
import { ROLES } from '@/lib/access';
import { useI18n } from '@/lib/i18n';
import type { Role } from '@/lib/types';

export function RoleSelect({ value, onChange, ...rest }: Omit<ComponentProps<'select'>, 'value' | 'onChange'> & { value: Role; onChange: (r: Role) => void }) {
  const { t } = useI18n();
  return (
    <Select value={value} onChange={(e) => onChange(e.target.value as Role)} {...rest}>
      {ROLES.map((r) => (
        <option key={r} value={r}>{t(`role.${r}`)}</option>
      ))}
    </Select>
  );
}

/** What a role may do, in one line (shown under a role picker). */
export function RoleHint({ role, id }: { role: Role; id?: string }) {
  const { t } = useI18n();
  return <p id={id} className="mt-1 text-xs text-slate-500">{t(`role.hint.${role}`)}</p>;
}
