import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  conversationDetailResponse,
  conversationListResponse,
  conversationSchema,
  renameConversationRequest,
} from '../../contracts/chat.js';
import { problemSchema, uuidParam } from '../../contracts/common.js';
import { type AuthGuard, principalOf } from '../../http/auth-guard.js';
import { AppError } from '../../http/errors.js';
import type { ConversationRow, ConversationsRepository, MessageRow } from './conversations.repository.js';

const errors = { 400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema, 429: problemSchema };
const security = [{ bearerAuth: [] }];
const iso = (d: Date) => d.toISOString();

const conversationView = (c: ConversationRow) => ({
  id: c.id,
  title: c.title,
  created_at: iso(c.createdAt),
  updated_at: iso(c.updatedAt),
});

const messageView = (m: MessageRow) => ({
  id: m.id,
  role: m.role,
  content: m.content,
  tool_calls: m.toolCalls ?? [],
  created_at: iso(m.createdAt),
});

/**
 * SPEC §3.5: reading conversations needs tasks:read; renaming or deleting one
 * needs tasks:write. Every lookup is by owner: a foreign conversation is a 404.
 */
export const conversationsRoutes =
  (deps: { guard: AuthGuard; conversations: ConversationsRepository }): FastifyPluginAsyncZod =>
  async (app) => {
    const { guard, conversations } = deps;

    app.get(
      '/api/conversations',
      {
        onRequest: guard({ scope: 'tasks:read' }),
        schema: {
          tags: ['chat'],
          summary: 'Your conversations, most recent first',
          security,
          response: { 200: conversationListResponse, ...errors },
        },
      },
      async (request) => {
        const rows = await conversations.list(principalOf(request).userId);
        return { items: rows.map(conversationView) };
      },
    );

    app.get(
      '/api/conversations/:id',
      {
        onRequest: guard({ scope: 'tasks:read' }),
        schema: {
          tags: ['chat'],
          summary: 'One conversation with its messages',
          security,
          params: uuidParam,
          response: { 200: conversationDetailResponse, ...errors },
        },
      },
      async (request) => {
        const { userId } = principalOf(request);
        const conversation = await conversations.find(userId, request.params.id);
        if (!conversation) throw new AppError('NOT_FOUND', 'Conversation not found');
        const messages = await conversations.messages(userId, conversation.id);
        return { ...conversationView(conversation), messages: messages.map(messageView) };
      },
    );

    app.patch(
      '/api/conversations/:id',
      {
        onRequest: guard({ scope: 'tasks:write' }),
        schema: {
          tags: ['chat'],
          summary: 'Rename a conversation',
          security,
          params: uuidParam,
          body: renameConversationRequest,
          response: { 200: conversationSchema, ...errors },
        },
      },
      async (request) => {
        const { userId } = principalOf(request);
        const renamed = await conversations.rename(userId, request.params.id, request.body.title);
        if (!renamed) throw new AppError('NOT_FOUND', 'Conversation not found');
        return conversationView(renamed);
      },
    );

    app.delete(
      '/api/conversations/:id',
      {
        onRequest: guard({ scope: 'tasks:write' }),
        schema: {
          tags: ['chat'],
          summary: 'Delete a conversation and its messages',
          security,
          params: uuidParam,
          response: { 204: z.null(), ...errors },
        },
      },
      async (request, reply) => {
        const removed = await conversations.remove(principalOf(request).userId, request.params.id);
        if (!removed) throw new AppError('NOT_FOUND', 'Conversation not found');
        return reply.code(204).send(null);
      },
    );
  };
