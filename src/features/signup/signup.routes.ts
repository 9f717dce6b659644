import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { signupSettingsResponse } from '../../contracts/auth.js';
import type { Signup } from './signup.service.js';

/** GET /api/auth/signup: what the register page must know before it shows a form. */
export const signupRoutes =
  (signup: Signup): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/signup',
      {
        schema: {
          tags: ['auth'],
          summary:
            'Whether registration is open, by invitation only, or closed; whether email verification is required',
          response: { 200: signupSettingsResponse },
        },
      },
      async () => signup.settings,
    );
  };
