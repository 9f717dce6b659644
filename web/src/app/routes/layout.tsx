import { NavLink, Outlet, useNavigate } from 'react-router';
import { useAuth } from '../../lib/auth-context.js';

export function Layout() {
  const { state, logout } = useAuth();
  const navigate = useNavigate();
  const user = state.user;
  return (
    <div className="shell">
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <header className="topbar">
        <NavLink to="/" className="brand" aria-label="Tasktalk home">
          <img src="/favicon.svg" alt="" width={24} height={24} />
          <span>Tasktalk</span>
        </NavLink>
        <nav aria-label="Main">
          <NavLink to="/" end>
            Chat
          </NavLink>
          <NavLink to="/tasks">Tasks</NavLink>
          <NavLink to="/settings">Settings</NavLink>
        </nav>
        <div className="who">
          <span className="user-name" title={user?.email}>
            {user?.name ?? user?.email}
          </span>
          <button
            type="button"
            className="ghost small"
            onClick={async () => {
              await logout();
              navigate('/login', { replace: true });
            }}
          >
            Log out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}
