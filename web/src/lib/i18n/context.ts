import { createContext, useContext } from 'react';
import { dictionaries, LANGS, type Lang, type MessageKey } from './dictionaries';

export const LANG_STORAGE_KEY = 'ec-admin.lang';

export type Params = Record<string, string | number>;
export type Translate = (key: MessageKey, params?: Params) => string;

export function interpolate(template: string, params?: Params): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole,
  );
}

export function translate(lang: Lang, key: MessageKey, params?: Params): string {
  return interpolate(dictionaries[lang][key], params);
}

export function readStoredLang(): Lang {
  try {
    const v = window.localStorage.getItem(LANG_STORAGE_KEY);
    return LANGS.includes(v as Lang) ? (v as Lang) : 'ja';
  } catch {
    return 'ja';
  }
}

export type I18n = { lang: Lang; setLang: (l: Lang) => void; t: Translate };

export const I18nContext = createContext<I18n | null>(null);

export function useI18n(): I18n {
  const ctx = useContext(I18nContext);
  if (!ctx) throw new Error('useI18n outside I18nProvider');
  return ctx;
}
