import { useSearchParams } from 'react-router';
import { Card } from '@/components/ui/Card';
import { EmptyState, ErrorState, LoadingState } from '@/components/ui/States';
import { cn } from '@/lib/cn';
import { useI18n, type MessageKey } from '@/lib/i18n';
import { useTemplates } from '../api/get-templates';
import { TemplateEditor } from './TemplateEditor';

/** The templates as tabs (the chosen one in `?code=`), and the editor of the chosen one. */
export function TemplateBrowser() {
  const { t } = useI18n();
  const q = useTemplates();
  const [sp, setSp] = useSearchParams();

  const describe = (code: string) => {
    const key = `templates.desc.${code}` as MessageKey;
    const s = t(key);
    return s === key ? undefined : s;
  };

  let content;
  if (q.isPending) content = <LoadingState />;
  else if (q.isError) content = <ErrorState error={q.error} onRetry={() => void q.refetch()} />;
  else if (q.data.length === 0) content = <Card><EmptyState title={t('templates.empty')} /></Card>;
  else {
    const selected = q.data.find((tpl) => tpl.code === sp.get('code')) ?? q.data[0];
    content = (
      <div className="space-y-4">
        <nav aria-label={t('templates.title')} className="-mx-4 overflow-x-auto px-4 sm:mx-0 sm:px-0">
          <ul className="flex gap-2" data-testid="template-list">
            {q.data.map((tpl) => (
              <li key={tpl.code}>
                <button
                  type="button"
                  onClick={() => setSp({ code: tpl.code }, { replace: true })}
                  aria-current={tpl.code === selected?.code ? 'true' : undefined}
                  data-code={tpl.code}
                  className={cn(
                    'min-w-[12rem] rounded-lg px-3 py-2 text-left whitespace-nowrap ring-1 transition-colors',
                    tpl.code === selected?.code ? 'bg-indigo-50 ring-indigo-200' : 'bg-white ring-slate-200 hover:bg-slate-50',
                  )}
                >
                  <p className={cn('font-mono text-xs font-semibold', tpl.code === selected?.code ? 'text-indigo-700' : 'text-slate-800')}>{tpl.code}</p>
                  {describe(tpl.code) && <p className="mt-0.5 text-xs text-slate-500">{describe(tpl.code)}</p>}
                </button>
              </li>
            ))}
          </ul>
        </nav>
        <div className="min-w-0">
          {selected ? <TemplateEditor key={`${selected.code}@${selected.updated_at}`} template={selected} /> : <EmptyState title={t('templates.select')} />}
        </div>
      </div>
    );
  }

  return content;
}
