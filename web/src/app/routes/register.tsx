import { useState } from 'react';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router';
import { Alert } from '../../components/ui/alert.js';
import { register } from '../../features/auth/api/register.js';
import { RegisterForm } from '../../features/auth/components/register-form.js';
import { useSignupSettings } from '../../features/recovery/api/get-signup-settings.js';
import { useAuth } from '../../lib/auth-context.js';
import { safeNext } from '../../lib/safe-redirect.js';
import { useTitle } from '../../lib/use-title.js';

export function RegisterPage() {
  useTitle('Create account');
  const { state, client, signedIn } = useAuth();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const next = safeNext(params.get('next'));
  const invite = params.get('invite') ?? undefined;
  const settings = useSignupSettings();
  const [pending, setPending] = useState<string | null>(null);
  if (state.status === 'signed-in') return <Navigate to={next} replace />;

  // SPEC §3.1: say at once when the form cannot succeed, instead of after it is filled in.
  const mode = settings.data?.signup_mode;
  const closed = mode === 'closed' || (mode === 'invite' && !invite);
  let body = (
    <RegisterForm
      inviteToken={invite}
      onSubmit={(request) => register(client, request)}
      onSuccess={(result) => {
        if ('access_token' in result) {
          signedIn(result);
          navigate(next, { replace: true });
        } else setPending(result.message);
      }}
    />
  );
  if (pending) body = <Alert kind="success">{pending}</Alert>;
  else if (closed) {
    body = (
      <Alert kind="info">
        {mode === 'closed'
          ? 'Registration is closed on this server. Ask its administrator to create an account for you.'
          : 'Registration on this server is by invitation only. Open the invitation link you were mailed, or ask the administrator for one.'}
      </Alert>
    );
  }
  return (
    <main className="auth-page">
      <div className="card auth-card">
        <h1 id="register-title">Create your account</h1>
        {invite && !closed && !pending && (
          <p className="muted">You were invited: register with the email address the invitation was sent to.</p>
        )}
        {body}
        <p className="switch">
          Already have an account? <Link to="/login">Sign in</Link>
        </p>
      </div>
    </main>
  );
}
