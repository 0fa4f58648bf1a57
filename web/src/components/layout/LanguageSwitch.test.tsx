import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { LANG_STORAGE_KEY, readStoredLang, useI18n } from '@/lib/i18n';
import { renderWithProviders } from '@/test/render';
import { LanguageSwitch } from './AppShell';

function Title() {
  const { t } = useI18n();
  return <h1>{t('nav.orders')}</h1>;
}

describe('language', () => {
  it('is Japanese by default', () => {
    expect(readStoredLang()).toBe('ja');
  });

  it('switches the UI, remembers the choice and sets <html lang>', async () => {
    const user = userEvent.setup();
    renderWithProviders(
      <>
        <LanguageSwitch />
        <Title />
      </>,
      { lang: readStoredLang() },
    );
    expect(screen.getByRole('heading')).toHaveTextContent('注文一覧');
    await user.click(screen.getByTestId('lang-en'));
    expect(screen.getByRole('heading')).toHaveTextContent('Orders');
    expect(window.localStorage.getItem(LANG_STORAGE_KEY)).toBe('en');
    expect(document.documentElement.lang).toBe('en');
    expect(screen.getByTestId('lang-en')).toHaveAttribute('aria-pressed', 'true');
    expect(readStoredLang()).toBe('en');
  });

  it('ignores a stored value it does not know', () => {
    window.localStorage.setItem(LANG_STORAGE_KEY, 'fr');
    expect(readStoredLang()).toBe('ja');
  });
});
