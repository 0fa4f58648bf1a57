import { cn } from '@/lib/cn';
import { useI18n } from '@/lib/i18n';
import type { ImportStatus } from '@/lib/types';
import { TONE_CLASSES, type Tone } from '@/components/ui/tones';

const IMPORT_STATUS_TONE: Record<ImportStatus, Tone> = {
  queued: 'slate',
  running: 'indigo',
  completed: 'emerald',
  completed_with_errors: 'amber',
  failed: 'rose',
  validated: 'sky',
};

export function ImportStatusBadge({ status, className }: { status: ImportStatus; className?: string }) {
  const { t } = useI18n();
  const tone = TONE_CLASSES[IMPORT_STATUS_TONE[status]];
  return (
    <span
      className={cn('inline-flex items-center gap-1.5 whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset', tone.badge, className)}
      data-status={status}
      data-testid="import-status"
    >
      <span className={cn('size-1.5 rounded-full', tone.dot, status === 'running' && 'animate-pulse')} aria-hidden="true" />
      {t(`importStatus.${status}`)}
    </span>
  );
}
