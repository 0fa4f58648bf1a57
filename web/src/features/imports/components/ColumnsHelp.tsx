import { Button } from '@/components/ui/Button';
import { Card } from '@/components/ui/Card';
import { formatNumber, formatRate } from '@/lib/format';
import { useI18n, type Lang, type Params } from '@/lib/i18n';
import { ORDER_LIMITS } from '@/lib/limits';
import { useSendingRate } from '../api/get-sending-rate';
import { buildTemplateCsv, downloadText, OPTIONAL_COLUMNS, REQUIRED_COLUMNS, TEMPLATE_FILE_NAME, type ImportColumn } from './csv-template';

const ALL: readonly ImportColumn[] = [...REQUIRED_COLUMNS, ...OPTIONAL_COLUMNS];

/** The limits a column's description names: the OpenAPI document's, as the form's. */
function columnLimits(c: ImportColumn, lang: Lang): Params | undefined {
  const n = (v: number) => formatNumber(v, lang);
  switch (c) {
    case 'customer_name':
      return { max: n(ORDER_LIMITS.customerName.maxLength) };
    case 'product_id':
      return { max: n(ORDER_LIMITS.productId.maxLength) };
    case 'product_name':
      return { max: n(ORDER_LIMITS.productName.maxLength) };
    case 'quantity':
      return { min: n(ORDER_LIMITS.quantity.minimum), max: n(ORDER_LIMITS.quantity.maximum) };
    case 'shipping_address':
      return { max: n(ORDER_LIMITS.shippingAddress.maxLength) };
    default:
      return undefined;
  }
}

/** The file format in a few lines, and the template to start from. */
export function ColumnsHelp() {
  const { t, lang } = useI18n();
  const rate = useSendingRate();
  return (
    <Card
      testId="columns-help"
      title={t('import.formatTitle')}
      actions={
        <Button variant="secondary" size="sm" onClick={() => downloadText(TEMPLATE_FILE_NAME, buildTemplateCsv())} data-testid="download-template">
          ↓ {t('import.template')}
        </Button>
      }
    >
      <p className="text-sm text-slate-600">{t('import.formatIntro')}</p>
      <dl className="mt-3 divide-y divide-slate-100 text-sm">
        {ALL.map((c) => (
          <div key={c} className="flex flex-wrap items-baseline gap-x-2 py-1.5">
            <dt className="flex items-center gap-1.5">
              <code className="rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-800">{c}</code>
              {(REQUIRED_COLUMNS as readonly string[]).includes(c) ? (
                <span className="text-[10px] font-semibold text-rose-600">{t('import.required')}</span>
              ) : (
                <span className="text-[10px] text-slate-400">{t('import.optional')}</span>
              )}
            </dt>
            <dd className="min-w-0 text-xs text-slate-500">{t(`import.colDesc.${c}`, columnLimits(c, lang))}</dd>
          </div>
        ))}
      </dl>
      <ul className="mt-3 list-disc space-y-1 pl-5 text-xs text-slate-500">
        <li>{t('import.noteEncoding')}</li>
        <li>{t('import.noteLimit')}</li>
        <li data-testid="note-mail">{rate !== undefined ? t('import.noteMail', { rate: formatRate(rate, lang) }) : t('import.noteMailNoRate')}</li>
      </ul>
    </Card>
  );
}
