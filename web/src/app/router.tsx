import { createBrowserRouter } from 'react-router';
import { Layout } from './routes/layout.js';
import { LoginPage } from './routes/login.js';
import { NotFoundPage } from './routes/not-found.js';
import { RegisterPage } from './routes/register.js';
import { RequireAuth } from './routes/require-auth.js';

/** Sign-in pages ship in the entry chunk; each signed-in page loads as its own chunk. */
export function createRouter() {
  return createBrowserRouter([
    { path: '/login', element: <LoginPage /> },
    { path: '/register', element: <RegisterPage /> },
    // Pages an emailed link opens (SPEC §4), each its own chunk: most visits never need them.
    {
      path: '/forgot-password',
      lazy: async () => ({ Component: (await import('./routes/forgot-password.js')).ForgotPasswordPage }),
    },
    {
      path: '/reset-password',
      lazy: async () => ({ Component: (await import('./routes/reset-password.js')).ResetPasswordPage }),
    },
    {
      path: '/verify-email',
      lazy: async () => ({ Component: (await import('./routes/verify-email.js')).VerifyEmailPage }),
    },
    {
      path: '/confirm-email',
      lazy: async () => ({ Component: (await import('./routes/confirm-email.js')).ConfirmEmailPage }),
    },
    {
      path: '/oauth/consent',
      lazy: async () => ({ Component: (await import('./routes/oauth-consent.js')).OAuthConsentPage }),
    },
    {
      element: <RequireAuth />,
      children: [
        {
          element: <Layout />,
          children: [
            { index: true, lazy: async () => ({ Component: (await import('./routes/chat.js')).ChatPage }) },
            { path: 'tasks', lazy: async () => ({ Component: (await import('./routes/tasks.js')).TasksPage }) },
            {
              path: 'settings',
              lazy: async () => ({ Component: (await import('./routes/settings.js')).SettingsPage }),
            },
            { path: '*', element: <NotFoundPage /> },
          ],
        },
      ],
    },
  ]);
}
