import { QueryClientProvider } from '@tanstack/react-query';
import { useState } from 'react';
import { RouterProvider } from 'react-router';
import { createApiClient } from '../lib/api-client.js';
import { AuthProvider } from '../lib/auth-context.js';
import { createQueryClient } from '../lib/query-client.js';
import { createRouter } from './router.js';

/** Providers, built once: query cache, then the auth client every feature uses. */
export function App() {
  const [queryClient] = useState(createQueryClient);
  const [client] = useState(() => createApiClient());
  const [router] = useState(createRouter);
  return (
    <QueryClientProvider client={queryClient}>
      <AuthProvider client={client}>
        <RouterProvider router={router} />
      </AuthProvider>
    </QueryClientProvider>
  );
}
