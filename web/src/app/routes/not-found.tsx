import { Link } from 'react-router';
import { useTitle } from '../../lib/use-title.js';

export function NotFoundPage() {
  useTitle('Not found');
  return (
    <div className="page narrow">
      <h1>Page not found</h1>
      <p>
        <Link to="/">Back to chat</Link>
      </p>
    </div>
  );
}
