import { describe, expect, it } from 'vitest';
import { parseTemplate, placeholdersIn, renderTemplate, sampleValues, unknownVariables } from './render-template';

describe('renderTemplate', () => {
  const values = { customer_name: '山田 太郎', order_id: '1024', total_amount: '￥12,800' };

  it('replaces {{variables}}, with or without inner spaces', () => {
    expect(renderTemplate('{{customer_name}} 様、ご注文 #{{ order_id }} ({{total_amount}}) を承りました。', values)).toBe(
      '山田 太郎 様、ご注文 #1024 (￥12,800) を承りました。',
    );
  });

  it('leaves unknown variables visible instead of blank', () => {
    expect(renderTemplate('追跡番号: {{tracking}}', values)).toBe('追跡番号: {{tracking}}');
  });

  it('keeps text that only looks like a placeholder', () => {
    expect(renderTemplate('{single} {{ }} {{1abc}}', values)).toBe('{single} {{ }} {{1abc}}');
  });

  it('splits into segments for highlighting', () => {
    expect(parseTemplate('A{{order_id}}B{{x}}', values)).toEqual([
      { kind: 'text', text: 'A' },
      { kind: 'var', name: 'order_id', value: '1024' },
      { kind: 'text', text: 'B' },
      { kind: 'var', name: 'x', value: undefined },
    ]);
  });
});

describe('variables', () => {
  it('lists each placeholder once', () => {
    expect(placeholdersIn('{{a}} {{b}} {{ a }}')).toEqual(['a', 'b']);
  });

  it('flags placeholders neither declared nor known', () => {
    expect(unknownVariables('{{customer_name}} {{coupon_code}} {{gift}}', ['gift'])).toEqual(['coupon_code']);
  });

  it('gives every declared variable a sample value', () => {
    const v = sampleValues(['customer_name', 'gift_message']);
    expect(v.customer_name).toBe('山田 太郎');
    expect(v.gift_message).toBe('[gift_message]');
  });
});
