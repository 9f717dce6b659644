import { Navigate, Outlet, useLocation } from 'react-router';
import { Loading } from '../../components/ui/spinner.js';
import { useAuth } from '../../lib/auth-context.js';
import { loginPath } from '../../lib/safe-redirect.js';

/** Signed-out visitors go to /login, which brings them back here afterwards. */
export function RequireAuth() {
  const { state } = useAuth();
  const location = useLocation();
  if (state.status === 'loading') {
    return (
      <div className="center">
        <Loading label="Signing you in…" />
      </div>
    );
  }
  if (state.status === 'signed-out') {
    return <Navigate to={loginPath(location.pathname + location.search)} replace />;
  }
  return <Outlet />;
}
