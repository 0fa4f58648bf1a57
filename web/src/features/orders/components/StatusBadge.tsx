import { useI18n } from '@/lib/i18n';
import { cn } from '@/lib/cn';
import type { OrderStatus } from '@/lib/types';
import { ORDER_STATUS_TONE, TONE_CLASSES } from '@/components/ui/tones';

export function StatusBadge({ status, className }: { status: OrderStatus; className?: string }) {
  const { t } = useI18n();
  const tone = TONE_CLASSES[ORDER_STATUS_TONE[status]];
  return (
    <span
      className={cn('inline-flex items-center gap-1.5 whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset', tone.badge, className)}
      data-status={status}
      data-testid="status-badge"
    >
      <span className={cn('size-1.5 rounded-full', tone.dot)} aria-hidden="true" />
      {t(`status.${status}`)}
    </span>
  );
}
