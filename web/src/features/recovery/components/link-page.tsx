import type { ReactNode } from 'react';
import { Link } from 'react-router';

/** The frame of the pages an emailed link opens (and of "forgot password"): a card with a title. */
export function LinkPage({ title, children }: { title: string; children: ReactNode }) {
  return (
    <main className="auth-page">
      <div className="card auth-card">
        <h1 id="link-page-title">{title}</h1>
        {children}
        <p className="switch">
          <Link to="/login">Back to sign in</Link>
        </p>
      </div>
    </main>
  );
}
