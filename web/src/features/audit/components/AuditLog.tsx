import { useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { Actor } from '@/components/ui/Actor';
import { Button } from '@/components/ui/Button';
import { Field, Input } from '@/components/ui/Field';
import { EmptyState, ErrorState, LoadingState } from '@/components/ui/States';
import { cn } from '@/lib/cn';
import { formatDateTime } from '@/lib/format';
import { useI18n } from '@/lib/i18n';
import type { AuditEntry, AuditQuery } from '@/lib/types';
import { useAuditPage } from '../api/get-audit';
import { readAuditFilters, statusTone } from './audit-filters';

type Filters = Omit<AuditQuery, 'cursor'>;

const TONE = {
  ok: 'bg-emerald-50 text-emerald-700 ring-emerald-600/20',
  refused: 'bg-amber-50 text-amber-800 ring-amber-600/20',
  failed: 'bg-rose-50 text-rose-700 ring-rose-600/20',
} as const;

/** The audit log: filters in the address (`actor` exact, `target` a path prefix, `limit`), cursor pages. */
export function AuditLog() {
  const [sp, setSp] = useSearchParams();
  const filters = readAuditFilters(sp);
  const key = JSON.stringify(filters);
  const apply = (patch: Record<string, string | undefined>) => {
    const next = new URLSearchParams(sp);
    for (const [k, v] of Object.entries(patch)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    setSp(next);
  };
  return (
    <>
      <AuditFilterBar key={`f:${key}`} filters={filters} onApply={apply} />
      {/* Keyed by the filters: new filters start again at the newest entries. */}
      <AuditResults key={`r:${key}`} filters={filters} onApply={apply} />
    </>
  );
}

function AuditFilterBar({ filters, onApply }: { filters: Filters; onApply: (p: Record<string, string | undefined>) => void }) {
  const { t } = useI18n();
  const [actor, setActor] = useState(filters.actor ?? '');
  const [target, setTarget] = useState(filters.target ?? '');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onApply({ actor: actor.trim() || undefined, target: target.trim() || undefined });
  };
  const active = Boolean(filters.actor || filters.target);
  return (
    <form onSubmit={submit} role="search" className="mb-4 grid gap-3 rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-200 sm:grid-cols-2 lg:grid-cols-[1fr_1fr_auto]" data-testid="audit-filters">
      <Field id="a-actor" label={t('audit.actor')} hint={t('audit.actorHint')}>
        <Input id="a-actor" type="search" spellCheck={false} autoCapitalize="none" value={actor} placeholder={t('audit.actorPlaceholder')} onChange={(e) => setActor(e.target.value)} />
      </Field>
      <Field id="a-target" label={t('audit.target')} hint={t('audit.targetHint')}>
        <Input id="a-target" type="search" spellCheck={false} autoCapitalize="none" value={target} placeholder={t('audit.targetPlaceholder')} onChange={(e) => setTarget(e.target.value)} />
      </Field>
      <div className="flex items-end gap-2 sm:col-span-2 lg:col-span-1">
        <Button type="submit" className="flex-1 lg:flex-none" data-testid="apply-audit-filters">{t('audit.search')}</Button>
        {active && (
          <Button variant="ghost" onClick={() => onApply({ actor: undefined, target: undefined })} data-testid="clear-audit-filters">
            {t('audit.clear')}
          </Button>
        )}
      </div>
    </form>
  );
}

function AuditResults({ filters, onApply }: { filters: Filters; onApply: (p: Record<string, string | undefined>) => void }) {
  const { t } = useI18n();
  // The cursors of the pages seen; the last is the page shown (undefined: the newest).
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const q = useAuditPage({ ...filters, cursor: cursors.at(-1) });
  const page = cursors.length;
  return (
    <div
      className="rounded-xl bg-white shadow-sm ring-1 ring-slate-200"
      data-testid="audit-results"
      data-actor={filters.actor ?? ''}
      data-target={filters.target ?? ''}
      data-page={page}
      aria-busy={q.isFetching}
    >
      {q.isPending ? (
        <LoadingState />
      ) : q.isError ? (
        <div className="p-4"><ErrorState error={q.error} onRetry={() => void q.refetch()} /></div>
      ) : q.data.entries.length === 0 ? (
        <EmptyState title={t('audit.empty')} />
      ) : (
        <div className={q.isPlaceholderData ? 'opacity-60 transition-opacity' : undefined}>
          <AuditTable entries={q.data.entries} onActor={(actor) => onApply({ actor })} onTarget={(target) => onApply({ target })} />
        </div>
      )}
      <nav className="flex items-center justify-between gap-3 border-t border-slate-100 px-4 py-3 sm:px-5" aria-label="pagination">
        <span className="text-xs text-slate-500" data-testid="audit-page">{t('orders.page', { page })}</span>
        <div className="flex gap-2">
          <Button variant="secondary" size="sm" disabled={page <= 1} onClick={() => setCursors((c) => c.slice(0, -1))} data-testid="audit-prev">
            ← {t('orders.prev')}
          </Button>
          <Button
            variant="secondary"
            size="sm"
            disabled={!q.data?.next_cursor || q.isPlaceholderData}
            onClick={() => {
              const next = q.data?.next_cursor;
              if (next) setCursors((c) => [...c, next]);
            }}
            data-testid="audit-next"
          >
            {t('orders.next')} →
          </Button>
        </div>
      </nav>
    </div>
  );
}

function StatusPill({ status }: { status: number }) {
  return (
    <span className={cn('inline-flex rounded-full px-2 py-0.5 font-mono text-xs font-medium ring-1 ring-inset', TONE[statusTone(status)])} data-testid="audit-status">
      {status}
    </span>
  );
}

/** A table on wide screens, cards on a phone; the actor and the target are filters at a click. */
function AuditTable({ entries, onActor, onTarget }: { entries: AuditEntry[]; onActor: (a: string) => void; onTarget: (t: string) => void }) {
  const { t, lang } = useI18n();
  const filterButton = 'text-left hover:text-indigo-700 hover:underline';
  return (
    <>
      <table className="hidden w-full text-sm md:table">
        <thead className="text-xs text-slate-500">
          <tr className="border-b border-slate-100 text-left">
            <th className="px-5 py-2 font-medium">{t('audit.col.at')}</th>
            <th className="px-3 py-2 font-medium">{t('audit.col.actor')}</th>
            <th className="px-3 py-2 font-medium">{t('audit.col.action')}</th>
            <th className="px-3 py-2 font-medium">{t('audit.col.target')}</th>
            <th className="px-3 py-2 font-medium">{t('audit.col.status')}</th>
            <th className="px-5 py-2 font-medium">{t('audit.col.trace')}</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {entries.map((e) => (
            <tr key={e.id} data-testid="audit-row" data-entry-id={e.id} data-actor={e.actor} data-target={e.target} className="align-top">
              <td className="px-5 py-2 whitespace-nowrap text-slate-600 tabular-nums"><time dateTime={e.at}>{formatDateTime(e.at, lang)}</time></td>
              <td className="max-w-56 px-3 py-2">
                <button type="button" className={filterButton} title={t('audit.filterActor')} onClick={() => onActor(e.actor)}>
                  <Actor value={e.actor} />
                </button>
              </td>
              <td className="px-3 py-2 font-mono text-xs whitespace-nowrap text-slate-700">{e.action}</td>
              <td className="max-w-72 px-3 py-2 font-mono text-xs break-all text-slate-700">
                <button type="button" className={filterButton} title={t('audit.filterTarget')} onClick={() => onTarget(e.target)}>{e.target}</button>
              </td>
              <td className="px-3 py-2"><StatusPill status={e.status} /></td>
              <td className="max-w-40 truncate px-5 py-2 font-mono text-[11px] text-slate-400" title={e.trace_id ?? undefined}>{e.trace_id ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <ul className="divide-y divide-slate-100 md:hidden">
        {entries.map((e) => (
          <li key={e.id} className="space-y-1 px-4 py-3" data-testid="audit-card" data-entry-id={e.id}>
            <div className="flex items-center justify-between gap-2">
              <span className="font-mono text-xs font-medium text-slate-800">{e.action.split(' ')[0]}</span>
              <StatusPill status={e.status} />
            </div>
            <button type="button" className={cn(filterButton, 'block font-mono text-xs break-all text-slate-700')} onClick={() => onTarget(e.target)}>{e.target}</button>
            <div className="flex flex-wrap items-center justify-between gap-x-3 text-xs text-slate-500">
              <button type="button" className={cn(filterButton, 'min-w-0')} onClick={() => onActor(e.actor)}><Actor value={e.actor} /></button>
              <time className="tabular-nums" dateTime={e.at}>{formatDateTime(e.at, lang)}</time>
            </div>
          </li>
        ))}
      </ul>
    </>
  );
}
