import { useRef, useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/Button';
import { Card } from '@/components/ui/Card';
import { Field, Input, Textarea } from '@/components/ui/Field';
import { ErrorState } from '@/components/ui/States';
import { formatDateTime } from '@/lib/format';
import { useI18n } from '@/lib/i18n';
import { formatActor } from '@/lib/actor';
import { useCan } from '@/lib/session';
import { pushToast } from '@/lib/toast';
import type { Template } from '@/lib/types';
import { useUpdateTemplate } from '../api/update-template';
import { parseTemplate, sampleValues, unknownVariables, type Segment } from './render-template';

function Rendered({ segments }: { segments: Segment[] }) {
  return (
    <>
      {segments.map((s, i) =>
        s.kind === 'text' ? (
          <span key={i}>{s.text}</span>
        ) : (
          <mark key={i} className="rounded bg-indigo-50 px-0.5 text-indigo-800" title={`{{${s.name}}}`}>
            {s.value ?? `{{${s.name}}}`}
          </mark>
        ),
      )}
    </>
  );
}

/** Edits one template; the parent keys it by code and `updated_at`, so a save resets the draft. */
export function TemplateEditor({ template }: { template: Template }) {
  const { t, lang } = useI18n();
  const [subject, setSubject] = useState(template.subject);
  const [body, setBody] = useState(template.body);
  const bodyRef = useRef<HTMLTextAreaElement>(null);
  const subjectRef = useRef<HTMLInputElement>(null);
  const lastFocused = useRef<'subject' | 'body'>('body');
  const save = useUpdateTemplate();
  // Only an admin edits; the others read and preview.
  const editable = useCan('templates.edit');

  const dirty = subject !== template.subject || body !== template.body;
  const values = sampleValues(template.variables);
  const unknown = [...new Set([...unknownVariables(subject, template.variables), ...unknownVariables(body, template.variables)])];

  function insert(name: string) {
    const token = `{{${name}}}`;
    const target = lastFocused.current === 'subject' ? subjectRef.current : bodyRef.current;
    const current = lastFocused.current === 'subject' ? subject : body;
    const set = lastFocused.current === 'subject' ? setSubject : setBody;
    const start = target?.selectionStart ?? current.length;
    const end = target?.selectionEnd ?? current.length;
    set(current.slice(0, start) + token + current.slice(end));
    requestAnimationFrame(() => {
      target?.focus();
      target?.setSelectionRange(start + token.length, start + token.length);
    });
  }

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    save.mutate(
      { code: template.code, update: { subject, body } },
      { onSuccess: () => pushToast({ kind: 'success', title: t('common.saved') }) },
    );
  }

  return (
    <form onSubmit={onSubmit} className="grid items-start gap-4 lg:grid-cols-2" data-testid="template-editor" data-code={template.code}>
      <Card
        title={<span className="font-mono">{template.code}</span>}
        actions={dirty && <span className="text-xs font-medium text-amber-700" data-testid="template-dirty">{t('templates.unsaved')}</span>}
      >
        <div className="space-y-4">
          {!editable && (
            <p className="rounded-lg bg-slate-50 p-2 text-xs text-slate-600 ring-1 ring-slate-200" data-testid="template-read-only">{t('templates.readOnly')}</p>
          )}
          <Field id="tpl-subject" label={t('templates.subject')}>
            <Input id="tpl-subject" ref={subjectRef} readOnly={!editable} value={subject} onFocus={() => (lastFocused.current = 'subject')} onChange={(e) => setSubject(e.target.value)} />
          </Field>
          <Field id="tpl-body" label={t('templates.body')}>
            <Textarea id="tpl-body" ref={bodyRef} readOnly={!editable} rows={12} className="font-mono text-[13px] leading-relaxed" value={body} onFocus={() => (lastFocused.current = 'body')} onChange={(e) => setBody(e.target.value)} />
          </Field>
          {editable && template.variables.length > 0 && (
            <div>
              <p className="mb-1.5 text-xs font-medium text-slate-700">
                {t('templates.variables')} <span className="font-normal text-slate-400">— {t('templates.insertHint')}</span>
              </p>
              <div className="flex flex-wrap gap-1.5">
                {template.variables.map((v) => (
                  <button key={v} type="button" onClick={() => insert(v)} className="rounded-md bg-slate-100 px-2 py-1 font-mono text-xs text-slate-700 hover:bg-indigo-100 hover:text-indigo-800">
                    {`{{${v}}}`}
                  </button>
                ))}
              </div>
            </div>
          )}
          {unknown.length > 0 && (
            <p className="rounded-lg bg-amber-50 p-2 text-xs text-amber-800" data-testid="unknown-vars">{t('templates.unknownVars', { vars: unknown.join(', ') })}</p>
          )}
          {save.isError && <ErrorState error={save.error} />}
          <div className="flex flex-wrap items-center justify-between gap-2 border-t border-slate-100 pt-4">
            <p className="text-xs text-slate-500" data-testid="template-updated" data-actor={template.updated_by ?? ''} title={template.updated_by ?? undefined}>
              {template.updated_by
                ? t('templates.updatedBy', { time: formatDateTime(template.updated_at, lang), by: formatActor(template.updated_by, lang) })
                : t('templates.updatedAt', { time: formatDateTime(template.updated_at, lang) })}
            </p>
            {editable && <div className="flex gap-2">
              <Button variant="ghost" disabled={!dirty || save.isPending} onClick={() => { setSubject(template.subject); setBody(template.body); }}>
                {t('templates.revert')}
              </Button>
              <Button type="submit" disabled={!dirty} loading={save.isPending} data-testid="save-template">
                {save.isPending ? t('common.saving') : t('common.save')}
              </Button>
            </div>}
          </div>
        </div>
      </Card>
      <Card title={t('templates.preview')} actions={<span className="text-xs text-slate-400">{t('templates.previewHint')}</span>} testId="template-preview">
        <div className="overflow-hidden rounded-lg ring-1 ring-slate-200">
          <div className="border-b border-slate-200 bg-slate-50 px-4 py-3">
            <p className="text-xs text-slate-500">{t('templates.subject')}</p>
            <p className="mt-0.5 text-sm font-semibold break-words text-slate-900" data-testid="preview-subject">
              <Rendered segments={parseTemplate(subject, values)} />
            </p>
          </div>
          <div className="px-4 py-4 text-sm leading-relaxed break-words whitespace-pre-wrap text-slate-800" data-testid="preview-body">
            <Rendered segments={parseTemplate(body, values)} />
          </div>
        </div>
      </Card>
    </form>
  );
}
