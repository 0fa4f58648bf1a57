import { useEffect, useRef } from 'react';
import { Link, Outlet, useLocation } from 'react-router';
import { RoleBadge } from '@/components/ui/RoleBadge';
import { Toaster } from '@/components/ui/Toaster';
import { cn } from '@/lib/cn';
import { LANGS, useI18n } from '@/lib/i18n';
import { useSession, useSignOut } from '@/lib/session';
import { ICONS, isNavActive, navItemsFor, type NavItem } from './nav';

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

/** Who is signed in, their role, and the way out; `compact` for the phone's top bar. */
function CurrentUser({ compact = false }: { compact?: boolean }) {
  const { t } = useI18n();
  const me = useSession();
  const signOut = useSignOut();
  if (!me) return null;
  const out = (
    <button
      type="button"
      onClick={() => signOut.mutate()}
      disabled={signOut.isPending}
      data-testid="sign-out"
      className={cn(
        'inline-flex shrink-0 items-center gap-1.5 rounded-md font-medium text-slate-300 transition-colors hover:bg-slate-800 hover:text-white disabled:opacity-60',
        compact ? 'px-2 py-1 text-xs' : 'w-full px-3 py-2 text-sm',
      )}
    >
      <Icon name="signOut" className={compact ? 'size-4' : 'size-5'} />
      {signOut.isPending ? t('session.signingOut') : t('session.signOut')}
    </button>
  );
  const who = (
    <div className="min-w-0" data-testid="current-user" data-email={me.email} data-role={me.role} data-kind={me.kind}>
      {!compact && <p className="text-[11px] font-medium text-slate-500">{me.kind === 'key' ? t('session.apiKey') : t('session.signedInAs')}</p>}
      <div className={cn('flex min-w-0 items-center gap-2', !compact && 'mt-1')}>
        <span className={cn('truncate text-slate-200', compact ? 'text-xs' : 'text-sm')} title={me.email}>{me.email}</span>
        <RoleBadge role={me.role} className="shrink-0 text-[10px]" />
      </div>
    </div>
  );
  if (compact) {
    return (
      <div className="flex items-center justify-between gap-2 px-4 pb-2">
        {who}
        {out}
      </div>
    );
  }
  return (
    <div className="space-y-2 border-t border-slate-800 pt-4">
      <div className="px-1">{who}</div>
      {out}
    </div>
  );
}

function SidebarLink({ item, pathname }: { item: NavItem; pathname: string }) {
  const { t } = useI18n();
  const active = isNavActive(item, pathname);
  return (
    <Link
      to={item.to}
      aria-current={active ? 'page' : undefined}
      className={cn('flex items-center gap-3 rounded-lg px-3 py-2 text-sm font-medium transition-colors', active ? 'bg-slate-800 text-white' : 'text-slate-400 hover:bg-slate-800/60 hover:text-white')}
    >
      <Icon name={item.icon} />
      {t(item.label)}
    </Link>
  );
}

export function AppShell() {
  const { t } = useI18n();
  const { pathname } = useLocation();
  const items = navItemsFor(useSession()?.role);
  const main = items.filter((n) => n.group !== 'admin');
  const admin = items.filter((n) => n.group === 'admin');
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
              {main.map((n) => (
                <li key={n.to}>
                  <SidebarLink item={n} pathname={pathname} />
                </li>
              ))}
            </ul>
            {admin.length > 0 && (
              <>
                <p className="mt-6 mb-2 px-3 text-[11px] font-semibold tracking-wide text-slate-500">{t('nav.admin')}</p>
                <ul className="space-y-1">
                  {admin.map((n) => (
                    <li key={n.to}>
                      <SidebarLink item={n} pathname={pathname} />
                    </li>
                  ))}
                </ul>
              </>
            )}
          </nav>
          <CurrentUser />
          <div className="mt-4 border-t border-slate-800 pt-4">
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
          <CurrentUser compact />
          <nav ref={tabs} aria-label={t('nav.menu')} className="relative overflow-x-auto border-t border-slate-800">
            <ul className="flex min-w-max px-2">
              {items.map((n) => (
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
