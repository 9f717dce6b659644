import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Config } from '../../config.js';
import {
  type ChatRequest,
  type ChatResponse,
  chatRequest,
  chatResponse,
  conversationDetailResponse,
  conversationListResponse,
} from '../../contracts/chat.js';
import { problemSchema, uuidParam } from '../../contracts/common.js';
import { type AuthGuard, principalOf } from '../../http/auth-guard.js';
import { AppError } from '../../http/errors.js';
import { limitConfig } from '../../http/rate-limit.js';
import { sameUuid } from '../../lib/uuid.js';
import type { ChatService } from './chat.service.js';
import type { ConversationRow, MessageRow } from './conversations.repository.js';
import { openEventStream, sentenceChunks, wantsEventStream } from './sse.js';

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

export interface ChatRouteDeps {
  config: Config;
  guard: AuthGuard;
  service: ChatService;
  log: { error(obj: unknown, msg: string): void };
}

const STREAM_NOTE =
  ' With `Accept: text/event-stream` the reply streams as server-sent events: `start` {conversation_id}, ' +
  '`delta` {text} per sentence, then `done` {conversation_id, response, tool_calls} (or `error` {message}).';

/**
 * SPEC §3.5. Chatting may change tasks, so it needs an access token or a PAT
 * with tasks:write; reading conversations needs tasks:read; deleting one needs
 * tasks:write. Every lookup is by owner: a foreign conversation is a 404.
 */
export const chatRoutes =
  (deps: ChatRouteDeps): FastifyPluginAsyncZod =>
  async (app) => {
    const { config, guard, service, log } = deps;
    const chatLimit = limitConfig(config, 'chat', config.rateLimit.chat, (req) => `u:${req.principal?.userId}`);

    async function chat(request: FastifyRequest, reply: FastifyReply, body: ChatRequest) {
      const { userId } = principalOf(request);
      const turn = await service.start(userId, body);
      if (!wantsEventStream(request)) {
        const answer = await service.answer(turn);
        return {
          conversation_id: answer.conversationId,
          response: answer.response,
          tool_calls: answer.toolCalls,
        } satisfies ChatResponse;
      }
      const stream = openEventStream(reply);
      stream.send('start', { conversation_id: turn.conversation.id });
      try {
        const answer = await service.answer(turn);
        for (const text of sentenceChunks(answer.response)) stream.send('delta', { text });
        stream.send('done', {
          conversation_id: answer.conversationId,
          response: answer.response,
          tool_calls: answer.toolCalls,
        } satisfies ChatResponse);
      } catch (err) {
        // Headers are gone: the failure travels as an event, its details only to the log.
        log.error({ err, reqId: request.id }, 'streamed chat turn failed');
        stream.send('error', { message: `Sorry, something went wrong (request ${request.id}). Please try again.` });
      } finally {
        stream.end();
      }
      return reply;
    }

    const chatSchema = {
      tags: ['chat'],
      security,
      body: chatRequest,
      response: { 200: chatResponse, ...errors },
    };

    app.post(
      '/api/chat',
      {
        onRequest: guard({ scope: 'tasks:write' }),
        config: chatLimit,
        schema: { ...chatSchema, summary: 'Send a message to the assistant', description: STREAM_NOTE.trim() },
      },
      (request, reply) => chat(request, reply, request.body),
    );

    app.post(
      '/api/:user_id/chat',
      {
        onRequest: guard({ scope: 'tasks:write' }),
        config: chatLimit,
        schema: {
          ...chatSchema,
          params: z.object({ user_id: z.string() }),
          summary: 'Alias of POST /api/chat for clients of the earlier API; user_id must be the caller’s',
          description: STREAM_NOTE.trim(),
        },
      },
      (request, reply) => {
        // Another user's id looks exactly like an unknown route (SPEC §3.4).
        if (!sameUuid(request.params.user_id, principalOf(request).userId)) throw new AppError('NOT_FOUND');
        return chat(request, reply, request.body);
      },
    );

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
        const rows = await service.conversations.list(principalOf(request).userId);
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
        const conversation = await service.conversations.find(userId, request.params.id);
        if (!conversation) throw new AppError('NOT_FOUND', 'Conversation not found');
        const messages = await service.conversations.messages(userId, conversation.id);
        return { ...conversationView(conversation), messages: messages.map(messageView) };
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
        const removed = await service.conversations.remove(principalOf(request).userId, request.params.id);
        if (!removed) throw new AppError('NOT_FOUND', 'Conversation not found');
        return reply.code(204).send(null);
      },
    );
  };
