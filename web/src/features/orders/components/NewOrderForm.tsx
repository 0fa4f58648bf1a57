import { useRef, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { Button } from '@/components/ui/Button';
import { Card } from '@/components/ui/Card';
import { Field, Input, Textarea } from '@/components/ui/Field';
import { ErrorState } from '@/components/ui/States';
import { ApiError } from '@/lib/api-client';
import { formatFieldError } from '@/lib/field-errors';
import { formatYen } from '@/lib/format';
import { useI18n } from '@/lib/i18n';
import type { Order } from '@/lib/types';
import { useCreateOrder } from '../api/create-order';
import { StatusBadge } from './StatusBadge';
import {
  draftQuantity,
  draftTotal,
  knownFieldKeys,
  emptyDraft,
  emptyItem,
  fieldId,
  itemField,
  itemSubtotal,
  normalizeFieldKey,
  PAYMENT_MAX,
  PAYMENT_MIN,
  totalOutsidePaymentLimits,
  validateDraft,
  type FieldErrors,
  type ItemDraft,
  type OrderDraft,
} from './new-order-validation';

type Outcome =
  | { kind: 'created'; order: Order }
  | { kind: 'rejected'; error: ApiError }
  | { kind: 'failed'; error: unknown }
  | null;

function newKey(): string {
  return typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`;
}

export function NewOrderForm() {
  const { t, lang } = useI18n();
  const [draft, setDraft] = useState<OrderDraft>(emptyDraft);
  const [clientErrors, setClientErrors] = useState<FieldErrors>({});
  const [serverErrors, setServerErrors] = useState<FieldErrors>({});
  const [submitted, setSubmitted] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>(null);
  // One key per distinct submission: a double click or a retry of the same
  // content cannot create two orders; any edit starts a new one.
  const idemKey = useRef<string | null>(null);
  const create = useCreateOrder();

  const total = draftTotal(draft);
  const issues: FieldErrors = { ...serverErrors, ...clientErrors };
  const errorCount = Object.keys(issues).length;
  // Worded now, so a language switch rewords them (server errors included).
  const errors: Record<string, string> = Object.fromEntries(Object.entries(issues).map(([k, issue]) => [k, formatFieldError(lang, issue)]));

  function update(next: OrderDraft, changedKeys: string[]) {
    setDraft(next);
    idemKey.current = null;
    if (changedKeys.some((k) => k in serverErrors)) {
      setServerErrors((prev) => Object.fromEntries(Object.entries(prev).filter(([k]) => !changedKeys.includes(k))));
    }
    if (submitted) setClientErrors(validateDraft(next).errors);
  }

  const setField = (key: Exclude<keyof OrderDraft, 'items'>, value: string) => update({ ...draft, [key]: value }, [key]);
  const setItem = (i: number, member: keyof ItemDraft, value: string) =>
    update({ ...draft, items: draft.items.map((it, j) => (j === i ? { ...it, [member]: value } : it)) }, [itemField(i, member)]);
  const addItem = () => update({ ...draft, items: [...draft.items, emptyItem()] }, ['items']);
  const removeItem = (i: number) => update({ ...draft, items: draft.items.filter((_, j) => j !== i) }, ['items']);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setSubmitted(true);
    setOutcome(null);
    const { errors: found, order } = validateDraft(draft);
    setClientErrors(found);
    setServerErrors({});
    if (!order) {
      const first = Object.keys(found)[0];
      if (first) document.getElementById(fieldId(first))?.focus();
      return;
    }
    idemKey.current ??= newKey();
    try {
      const created = await create.mutateAsync({ order, idempotencyKey: idemKey.current });
      setOutcome({ kind: 'created', order: created });
    } catch (err) {
      if (err instanceof ApiError && err.code === 'PAYMENT_REJECTED') {
        setOutcome({ kind: 'rejected', error: err });
      } else if (err instanceof ApiError && err.fieldErrors.length > 0) {
        const mapped: FieldErrors = {};
        for (const fe of err.fieldErrors) mapped[normalizeFieldKey(fe.field)] = fe;
        setServerErrors(mapped);
        setOutcome({ kind: 'failed', error: err });
        const first = Object.keys(mapped)[0];
        if (first) document.getElementById(fieldId(first))?.focus();
      } else {
        setOutcome({ kind: 'failed', error: err });
      }
    }
  }

  function startOver() {
    setDraft(emptyDraft());
    setClientErrors({});
    setServerErrors({});
    setSubmitted(false);
    setOutcome(null);
    idemKey.current = null;
    create.reset();
  }

  if (outcome?.kind === 'created') {
    const o = outcome.order;
    return (
      <Card testId="order-created">
        <div className="flex flex-col items-center gap-3 py-6 text-center">
          <span className="flex size-12 items-center justify-center rounded-full bg-emerald-100 text-emerald-600" aria-hidden="true">
            <svg viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" className="size-6"><path strokeLinecap="round" strokeLinejoin="round" d="m4.5 12.75 6 6 9-13.5" /></svg>
          </span>
          <h2 className="text-lg font-semibold text-slate-900">{t('newOrder.created', { id: o.id })}</h2>
          <StatusBadge status={o.status} />
          <p className="text-sm text-slate-600">{t('newOrder.createdBody', { amount: formatYen(o.total_amount) })}</p>
          <div className="mt-2 flex flex-wrap justify-center gap-2">
            <Link to={`/orders/${encodeURIComponent(String(o.id))}`} className="inline-flex h-10 items-center rounded-lg bg-indigo-600 px-4 text-sm font-medium text-white hover:bg-indigo-500" data-testid="open-created-order">
              {t('newOrder.open')}
            </Link>
            <Button variant="secondary" onClick={startOver}>{t('newOrder.reset')}</Button>
          </div>
        </div>
      </Card>
    );
  }

  const known = knownFieldKeys(draft);
  const unmatchedServerErrors = Object.entries(serverErrors).filter(([k]) => !known.has(k));

  return (
    <form noValidate onSubmit={onSubmit} className="grid gap-5 lg:grid-cols-3" aria-label={t('newOrder.title')}>
      <div className="space-y-5 lg:col-span-2">
        {outcome?.kind === 'rejected' && (
          <div role="alert" className="rounded-xl border border-rose-200 bg-rose-50 p-4" data-testid="payment-rejected">
            <p className="font-semibold text-rose-900">{t('newOrder.rejected')}</p>
            <p className="mt-1 text-sm text-rose-800" data-testid="error-detail">{outcome.error.detail}</p>
            {outcome.error.orderId !== undefined && (
              <>
                <p className="mt-2 text-sm text-rose-800">{t('newOrder.rejectedBody', { id: outcome.error.orderId })}</p>
                <Link
                  to={`/orders/${encodeURIComponent(String(outcome.error.orderId))}`}
                  className="mt-3 inline-flex h-9 items-center rounded-lg bg-white px-3 text-sm font-medium text-rose-700 shadow-sm ring-1 ring-rose-300 hover:bg-rose-100"
                  data-testid="kept-order-link"
                >
                  {t('newOrder.openKept', { id: outcome.error.orderId })} →
                </Link>
              </>
            )}
          </div>
        )}
        {outcome?.kind === 'failed' && <ErrorState error={outcome.error} />}
        {unmatchedServerErrors.length > 0 && (
          <ul className="list-inside list-disc rounded-lg bg-rose-50 p-3 text-sm text-rose-800">
            {unmatchedServerErrors.map(([k, issue]) => (
              <li key={k}>
                <code className="font-mono text-xs">{k}</code>: {formatFieldError(lang, issue)}
              </li>
            ))}
          </ul>
        )}

        <Card title={t('newOrder.customer')}>
          <div className="grid gap-4 sm:grid-cols-2">
            <Field id="customer_name" label={t('newOrder.name')} error={errors.customer_name}>
              <Input id="customer_name" autoComplete="name" value={draft.customer_name} invalid={!!errors.customer_name} placeholder={t('newOrder.namePlaceholder')} onChange={(e) => setField('customer_name', e.target.value)} />
            </Field>
            <Field id="customer_email" label={t('newOrder.email')} error={errors.customer_email}>
              <Input id="customer_email" type="email" inputMode="email" autoComplete="email" value={draft.customer_email} invalid={!!errors.customer_email} placeholder={t('newOrder.emailPlaceholder')} onChange={(e) => setField('customer_email', e.target.value)} />
            </Field>
            <Field id="customer_phone" label={t('newOrder.phone')} hint={`(${t('newOrder.optional')})`} error={errors.customer_phone}>
              <Input id="customer_phone" type="tel" inputMode="tel" autoComplete="tel" value={draft.customer_phone} invalid={!!errors.customer_phone} placeholder={t('newOrder.phonePlaceholder')} onChange={(e) => setField('customer_phone', e.target.value)} />
            </Field>
            <Field id="shipping_address" label={t('newOrder.address')} hint={`(${t('newOrder.optional')})`} error={errors.shipping_address} className="sm:col-span-2">
              <Textarea id="shipping_address" rows={2} autoComplete="street-address" value={draft.shipping_address} invalid={!!errors.shipping_address} placeholder={t('newOrder.addressPlaceholder')} onChange={(e) => setField('shipping_address', e.target.value)} />
            </Field>
          </div>
        </Card>

        <Card
          title={t('newOrder.items')}
          actions={
            <Button variant="secondary" size="sm" onClick={addItem} data-testid="add-item">
              + {t('newOrder.addItem')}
            </Button>
          }
        >
          {errors.items && <p className="mb-3 text-sm text-rose-600" data-testid="error-items">{errors.items}</p>}
          <ol className="space-y-4">
            {draft.items.map((it, i) => {
              const f = (m: keyof ItemDraft) => itemField(i, m);
              return (
                <li key={i} className="rounded-lg border border-slate-200 p-3" data-testid={`item-${i}`}>
                  <div className="mb-2 flex items-center justify-between">
                    <span className="text-xs font-semibold text-slate-500">{t('newOrder.item', { n: i + 1 })}</span>
                    {draft.items.length > 1 && (
                      <Button variant="ghost" size="sm" className="text-rose-600" onClick={() => removeItem(i)}>
                        {t('newOrder.removeItem')}
                      </Button>
                    )}
                  </div>
                  <div className="grid grid-cols-2 gap-3 sm:grid-cols-12">
                    <Field id={fieldId(f('product_id'))} label={t('newOrder.productId')} error={errors[f('product_id')]} className="col-span-1 sm:col-span-3">
                      <Input id={fieldId(f('product_id'))} value={it.product_id} invalid={!!errors[f('product_id')]} placeholder="1001" onChange={(e) => setItem(i, 'product_id', e.target.value)} />
                    </Field>
                    <Field id={fieldId(f('product_name'))} label={t('newOrder.productName')} error={errors[f('product_name')]} className="col-span-1 sm:col-span-9">
                      <Input id={fieldId(f('product_name'))} value={it.product_name} invalid={!!errors[f('product_name')]} onChange={(e) => setItem(i, 'product_name', e.target.value)} />
                    </Field>
                    <Field id={fieldId(f('quantity'))} label={t('newOrder.quantity')} error={errors[f('quantity')]} className="col-span-1 sm:col-span-3">
                      <Input id={fieldId(f('quantity'))} inputMode="numeric" value={it.quantity} invalid={!!errors[f('quantity')]} onChange={(e) => setItem(i, 'quantity', e.target.value)} />
                    </Field>
                    <Field id={fieldId(f('unit_price'))} label={t('newOrder.unitPrice')} error={errors[f('unit_price')]} className="col-span-1 sm:col-span-5">
                      <Input id={fieldId(f('unit_price'))} inputMode="numeric" value={it.unit_price} invalid={!!errors[f('unit_price')]} placeholder="1200" onChange={(e) => setItem(i, 'unit_price', e.target.value)} />
                    </Field>
                    <div className="col-span-2 flex items-end justify-end sm:col-span-4">
                      <p className="pb-2 text-sm text-slate-500">
                        {t('order.subtotal')} <span className="ml-1 font-semibold tabular-nums text-slate-900">{formatYen(itemSubtotal(it))}</span>
                      </p>
                    </div>
                  </div>
                </li>
              );
            })}
          </ol>
        </Card>
      </div>

      <div className="lg:col-span-1">
        <div className="lg:sticky lg:top-6">
          <Card>
            <dl className="space-y-2 text-sm">
              <div className="flex justify-between text-slate-600">
                <dt>{t('newOrder.items')}</dt>
                <dd className="tabular-nums">{t('orders.itemsCount', { count: draftQuantity(draft) })}</dd>
              </div>
              <div className="flex items-baseline justify-between border-t border-slate-100 pt-2">
                <dt className="font-medium text-slate-900">{t('newOrder.total')}</dt>
                <dd className="text-2xl font-bold tabular-nums text-slate-900" data-testid="draft-total">{formatYen(total)}</dd>
              </div>
            </dl>
            {totalOutsidePaymentLimits(total) && (
              <p className="mt-3 rounded-lg bg-amber-50 p-2 text-xs text-amber-800" data-testid="limit-warning">
                {t('newOrder.limitWarning', { min: formatYen(PAYMENT_MIN), max: formatYen(PAYMENT_MAX) })}
              </p>
            )}
            {submitted && errorCount > 0 && (
              <p className="mt-3 text-xs text-rose-600" role="alert">{t('newOrder.fixErrors', { count: errorCount })}</p>
            )}
            <Button type="submit" className="mt-4 w-full" loading={create.isPending} data-testid="submit-order">
              {create.isPending ? t('newOrder.submitting') : t('newOrder.submit')}
            </Button>
          </Card>
        </div>
      </div>
    </form>
  );
}
