import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isSessionExpired } from '@/lib/session-expiry';
import { jsonResponse, renderWithProviders, urlOf } from '@/test/render';
import { LoginForm } from './LoginForm';

afterEach(() => {
  vi.unstubAllGlobals();
});

const problem = (status: number, code: string, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify({ status, code, title: 'x', detail: 'english detail' }), {
    status,
    headers: { 'Content-Type': 'application/problem+json', ...headers },
  });

async function signIn(email: string, password: string) {
  const user = userEvent.setup();
  await user.type(screen.getByLabelText('メールアドレス'), email);
  await user.type(screen.getByLabelText('パスワード'), password);
  await user.click(screen.getByTestId('login-submit'));
  return user;
}

describe('LoginForm', () => {
  it('signs in with a 204 and says so to its page', async () => {
    let sent: unknown;
    vi.stubGlobal('fetch', vi.fn(async (req: Request) => {
      sent = { path: urlOf(req).pathname, body: await req.json() };
      return new Response(null, { status: 204 });
    }));
    const onSignedIn = vi.fn();
    renderWithProviders(<LoginForm onSignedIn={onSignedIn} />, { role: null });
    await signIn(' ops@example.jp ', 'correct horse');
    await waitFor(() => expect(onSignedIn).toHaveBeenCalledOnce());
    expect(sent).toEqual({ path: '/api/v1/auth/login', body: { email: 'ops@example.jp', password: 'correct horse' } });
  });

  it('words a 401 as a wrong e-mail or password, and it is not a lost session', async () => {
    vi.stubGlobal('fetch', vi.fn(() => Promise.resolve(problem(401, 'UNAUTHENTICATED'))));
    renderWithProviders(<LoginForm onSignedIn={vi.fn()} />, { role: null });
    await signIn('ops@example.jp', 'wrong');
    const alert = await screen.findByTestId('login-error');
    expect(alert).toHaveTextContent('メールアドレスまたはパスワードが正しくありません。');
    expect(alert).toHaveAttribute('data-code', 'wrong-credentials');
    expect(screen.getByLabelText('パスワード')).toHaveValue('');
    expect(isSessionExpired()).toBe(false);
  });

  it('says how long to wait after too many attempts (429, Retry-After) and holds the button', async () => {
    vi.stubGlobal('fetch', vi.fn(() => Promise.resolve(problem(429, 'TOO_MANY_REQUESTS', { 'Retry-After': '90' }))));
    renderWithProviders(<LoginForm onSignedIn={vi.fn()} />, { role: null, lang: 'ja' });
    await signIn('ops@example.jp', 'wrong');
    const alert = await screen.findByTestId('login-error');
    expect(alert).toHaveAttribute('data-code', 'too-many-attempts');
    expect(alert).toHaveTextContent(/1 分 30 秒後にもう一度お試しください/);
    expect(screen.getByTestId('login-submit')).toBeDisabled();
  });

  it('asks for both fields before sending', async () => {
    const fetchMock = vi.fn();
    vi.stubGlobal('fetch', fetchMock);
    renderWithProviders(<LoginForm onSignedIn={vi.fn()} />, { role: null, lang: 'en' });
    await userEvent.setup().click(screen.getByTestId('login-submit'));
    expect(screen.getByTestId('error-login-email')).toHaveTextContent('Required');
    expect(screen.getByTestId('error-login-password')).toHaveTextContent('Required');
    expect(fetchMock).not.toHaveBeenCalled();
  });
});

describe('a 401 from any other request', () => {
  it('raises the session-expired flag', async () => {
    vi.stubGlobal('fetch', vi.fn(() => Promise.resolve(jsonResponse({ status: 401, code: 'UNAUTHENTICATED' }, 401, 'application/problem+json'))));
    const { getMe } = await import('@/lib/session');
    await expect(getMe()).rejects.toMatchObject({ status: 401 });
    expect(isSessionExpired()).toBe(true);
  });
});
