import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Config } from '../../config.js';
import { type ChatRequest, type ChatResponse, chatRequest, chatResponse } from '../../contracts/chat.js';
import { problemSchema } from '../../contracts/common.js';
import { type AuthGuard, principalOf } from '../../http/auth-guard.js';
import { AppError } from '../../http/errors.js';
import { limitConfig } from '../../http/rate-limit.js';
import { sameUuid } from '../../lib/uuid.js';
import type { ChatService } from './chat.service.js';
import { openEventStream, sentenceChunks, wantsEventStream } from './sse.js';

const errors = { 400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema, 429: problemSchema };
const security = [{ bearerAuth: [] }];

export interface ChatRouteDeps {
  config: Config;
  guard: AuthGuard;
  service: ChatService;
  log: { error(obj: unknown, msg: string): void };
}

const STREAM_NOTE =
  ' With `Accept: text/event-stream` the reply streams as server-sent events: `start` {conversation_id}; ' +
  '`delta` {text} as the model writes (the pieces add up to the response); `tool` {tool_name, arguments, result} ' +
  'as each tool call completes; `status` {text} while waiting (e.g. out a rate limit); then `done` ' +
  '{conversation_id, response, tool_calls} (or `error` {message}). Closing the connection stops the turn; ' +
  'what it wrote and did so far is stored.';

/**
 * SPEC §3.5. Chatting may change tasks, so it needs an access token or a PAT
 * with tasks:write. A conversation is looked up by owner: a foreign one is a 404.
 * Conversations themselves are read, renamed and deleted in conversations.routes.ts.
 */
export const chatRoutes =
  (deps: ChatRouteDeps): FastifyPluginAsyncZod =>
  async (app) => {
    const { config, guard, service, log } = deps;
    const chatLimit = limitConfig(config, 'chat', config.rateLimit.chat, (req) => `u:${req.principal?.userId}`);

    async function chat(request: FastifyRequest, reply: FastifyReply, body: ChatRequest) {
      const { userId } = principalOf(request);
      const turn = await service.start(userId, body);
      // The client going away (the stop button, a closed tab) ends the turn; what it did is still stored.
      const gone = new AbortController();
      reply.raw.on('close', () => {
        if (!reply.raw.writableFinished) gone.abort(new Error('client closed the connection'));
      });
      if (!wantsEventStream(request)) {
        const answer = await service.answer(turn, { signal: gone.signal });
        return {
          conversation_id: answer.conversationId,
          response: answer.response,
          tool_calls: answer.toolCalls,
        } satisfies ChatResponse;
      }
      const stream = openEventStream(reply);
      stream.send('start', { conversation_id: turn.conversation.id });
      let streamed = false;
      try {
        const answer = await service.answer(turn, {
          signal: gone.signal,
          onDelta: (text) => {
            streamed = true;
            stream.send('delta', { text });
          },
          onToolCall: (call) => stream.send('tool', call),
          onStatus: (text) => stream.send('status', { text }),
        });
        // An assistant that does not stream (the offline one) still arrives in sentence-sized pieces.
        if (!streamed) for (const text of sentenceChunks(answer.response)) stream.send('delta', { text });
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
  };
