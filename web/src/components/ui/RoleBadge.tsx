import { cn } from '@/lib/cn';
import { useI18n } from '@/lib/i18n';
import type { Role } from '@/lib/types';
import { TONE_CLASSES, type Tone } from './tones';

const ROLE_TONE: Record<Role, Tone> = { viewer: 'slate', operator: 'sky', admin: 'indigo' };

export function RoleBadge({ role, className }: { role: Role; className?: string }) {
  const { t } = useI18n();
  return (
    <span
      className={cn('inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset', TONE_CLASSES[ROLE_TONE[role]].badge, className)}
      data-testid="role-badge"
      data-role={role}
    >
      {t(`role.${role}`)}
    </span>
  );
}
