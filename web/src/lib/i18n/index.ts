export { useI18n, translate, interpolate, readStoredLang, LANG_STORAGE_KEY, type Translate, type Params } from './context';
export { I18nProvider } from './provider';
export { type Lang, type MessageKey, LANGS } from './dictionaries';
