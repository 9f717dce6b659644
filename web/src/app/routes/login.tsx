import type { MfaRequiredResponse } from '@contracts/mfa';
import { useState } from 'react';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router';
import { login } from '../../features/auth/api/login.js';
import { LoginForm } from '../../features/auth/components/login-form.js';
import { verifyMfa } from '../../features/mfa/api/verify-mfa.js';
import { MfaLoginStep } from '../../features/mfa/components/mfa-login-step.js';
import { PasskeySignIn } from '../../features/passkeys/components/passkey-sign-in.js';
import { useAuth } from '../../lib/auth-context.js';
import { safeNext } from '../../lib/safe-redirect.js';
import { useTitle } from '../../lib/use-title.js';
import { AuthNoticeAlert } from './auth-notice.js';

export function LoginPage() {
  useTitle('Sign in');
  const { state, client, signedIn } = useAuth();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const next = safeNext(params.get('next'));
  // SPEC §3.9: a correct password of a two-factor account answers a challenge, not a session.
  const [challenge, setChallenge] = useState<MfaRequiredResponse | null>(null);
  if (state.status === 'signed-in') return <Navigate to={next} replace />;
  const registerLink = params.get('next') ? `/register?next=${encodeURIComponent(next)}` : '/register';
  return (
    <main className="auth-page">
      <div className="card auth-card">
        <h1 id="login-title">Sign in to Tasktalk</h1>
        <AuthNoticeAlert notice={state.notice} detail={state.detail} wantsPage={params.has('next')} />
        {challenge ? (
          <>
            <MfaLoginStep
              challenge={challenge}
              onSubmit={(body) => verifyMfa(client, body)}
              onSuccess={(result) => {
                signedIn(result);
                navigate(next, { replace: true });
              }}
              onBack={() => setChallenge(null)}
            />
            {/* A passkey sign-in is itself two factors (SPEC §3.9): offered when the account has one. */}
            {challenge.methods.includes('passkey') && (
              <PasskeySignIn
                onSuccess={(result) => {
                  signedIn(result);
                  navigate(next, { replace: true });
                }}
              />
            )}
          </>
        ) : (
          <>
            <LoginForm
              onSubmit={(body) => login(client, body)}
              onSuccess={(result) => {
                if ('mfa_required' in result) return setChallenge(result);
                signedIn(result);
                navigate(next, { replace: true });
              }}
            />
            <PasskeySignIn
              onSuccess={(result) => {
                signedIn(result);
                navigate(next, { replace: true });
              }}
            />
          </>
        )}
        <p className="switch">
          <Link to="/forgot-password">Forgot password?</Link>
        </p>
        <p className="switch">
          New here? <Link to={registerLink}>Create an account</Link>
        </p>
      </div>
    </main>
  );
}
