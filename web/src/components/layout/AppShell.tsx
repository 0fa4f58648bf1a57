import { useEffect, useRef } from 'react';
import { Link, Outlet, useLocation } from 'react-router';
import { Toaster } from '@/components/ui/Toaster';
import { cn } from '@/lib/cn';
import { LANGS, useI18n } from '@/lib/i18n';
import { ICONS, isNavActive, NAV_ITEMS } from './nav';

function Icon({ name, className }: { name: keyof typeof ICONS; className?: string }) {
  return (
    <svg viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="1.6" className={className ?? 'size-5'} aria-hidden="true">
      <path strokeLinecap="round" strokeLinejoin="round" d={ICONS[name]} />
    </svg>
  );
}

function Logo() {
  const { t } = useI18n();
  return (
    <div className="flex items-center gap-2.5">
      <img src="/favicon.svg" alt="" className="size-8" />
      <div className="leading-tight">
        <p className="text-sm font-bold text-white">{t('app.title')}</p>
        <p className="text-[11px] text-slate-400">{t('app.subtitle')}</p>
      </div>
    </div>
  );
}

export function LanguageSwitch({ dark = true }: { dark?: boolean }) {
  const { lang, setLang, t } = useI18n();
  return (
    <div role="group" aria-label={t('lang.label')} className={cn('inline-flex rounded-lg p-0.5 text-xs', dark ? 'bg-slate-800' : 'bg-slate-100')}>
      {LANGS.map((l) => (
        <button
          key={l}
          type="button"
          onClick={() => setLang(l)}
          aria-pressed={lang === l}
          data-testid={`lang-${l}`}
          className={cn(
            'rounded-md px-2.5 py-1 font-medium transition-colors',
            lang === l ? (dark ? 'bg-slate-600 text-white' : 'bg-white text-slate-900 shadow-sm') : dark ? 'text-slate-400 hover:text-white' : 'text-slate-500',
          )}
        >
          {t(`lang.${l}`)}
        </button>
      ))}
    </div>
  );
}

export function AppShell() {
  const { t } = useI18n();
  const { pathname } = useLocation();
  // The phone tab bar scrolls sideways: keep the current tab in sight.
  const tabs = useRef<HTMLElement>(null);
  useEffect(() => {
    const bar = tabs.current;
    const current = bar?.querySelector<HTMLElement>('[aria-current=page]');
    if (!bar || !current) return;
    const left = current.offsetLeft;
    const right = left + current.offsetWidth;
    if (left < bar.scrollLeft || right > bar.scrollLeft + bar.clientWidth) bar.scrollLeft = Math.max(0, right - bar.clientWidth + 16);
  }, [pathname]);
  return (
    // A row on wide screens: the sidebar is a column as tall as the page
    // (its dark background runs to the bottom of a long page, in a
    // full-page screenshot too), its contents sticky in the viewport.
    <div className="min-h-dvh lg:flex">
      {/* Sidebar: wide screens */}
      <aside className="hidden w-60 shrink-0 bg-slate-900 lg:block" data-testid="sidebar">
        <div className="sticky top-0 flex h-dvh flex-col overflow-y-auto px-4 py-5">
          <Logo />
          <nav className="mt-8 flex-1" aria-label={t('nav.menu')}>
            <ul className="space-y-1">
              {NAV_ITEMS.map((n) => (
                <li key={n.to}>
                  <Link
                    to={n.to}
                    aria-current={isNavActive(n, pathname) ? 'page' : undefined}
                    className={cn('flex items-center gap-3 rounded-lg px-3 py-2 text-sm font-medium transition-colors', isNavActive(n, pathname) ? 'bg-slate-800 text-white' : 'text-slate-400 hover:bg-slate-800/60 hover:text-white')}
                  >
                    <Icon name={n.icon} />
                    {t(n.label)}
                  </Link>
                </li>
              ))}
            </ul>
          </nav>
          <div className="border-t border-slate-800 pt-4">
            <p className="mb-2 text-[11px] font-medium text-slate-500">{t('lang.label')}</p>
            <LanguageSwitch />
          </div>
        </div>
      </aside>

      <div className="min-w-0 flex-1">
        {/* Top bar and tab bar: phones and tablets */}
        <header className="sticky top-0 z-30 bg-slate-900 lg:hidden">
          <div className="flex items-center justify-between px-4 py-2.5">
            <Logo />
            <LanguageSwitch />
          </div>
          <nav ref={tabs} aria-label={t('nav.menu')} className="relative overflow-x-auto border-t border-slate-800">
            <ul className="flex min-w-max px-2">
              {NAV_ITEMS.map((n) => (
                <li key={n.to}>
                  <Link
                    to={n.to}
                    aria-current={isNavActive(n, pathname) ? 'page' : undefined}
                    className={cn('flex items-center gap-1.5 border-b-2 px-3 py-2 text-xs font-medium whitespace-nowrap', isNavActive(n, pathname) ? 'border-indigo-400 text-white' : 'border-transparent text-slate-400')}
                  >
                    <Icon name={n.icon} className="size-4" />
                    {t(n.label)}
                  </Link>
                </li>
              ))}
            </ul>
          </nav>
        </header>

        <main className="mx-auto max-w-7xl px-4 py-5 sm:px-6 lg:px-8 lg:py-8">
          <Outlet />
        </main>
      </div>
      <Toaster />
    </div>
  );
}
