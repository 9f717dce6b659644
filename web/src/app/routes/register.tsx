import { Link, Navigate, useNavigate, useSearchParams } from 'react-router';
import { register } from '../../features/auth/api/register.js';
import { RegisterForm } from '../../features/auth/components/register-form.js';
import { useAuth } from '../../lib/auth-context.js';
import { safeNext } from '../../lib/safe-redirect.js';
import { useTitle } from '../../lib/use-title.js';

export function RegisterPage() {
  useTitle('Create account');
  const { state, client, signedIn } = useAuth();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const next = safeNext(params.get('next'));
  if (state.status === 'signed-in') return <Navigate to={next} replace />;
  return (
    <main className="auth-page">
      <div className="card auth-card">
        <h1 id="register-title">Create your account</h1>
        <RegisterForm
          onSubmit={(body) => register(client, body)}
          onSuccess={(result) => {
            signedIn(result);
            navigate(next, { replace: true });
          }}
        />
        <p className="switch">
          Already have an account? <Link to="/login">Sign in</Link>
        </p>
      </div>
    </main>
  );
}
