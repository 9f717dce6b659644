import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config.js';
import type { Db } from '../../db/client.js';
import type { AuthGuard } from '../../http/auth-guard.js';
import type { Clock } from '../../lib/clock.js';
import type { Assistant } from './assistant.js';
import { chatRoutes } from './chat.routes.js';
import { createChatService } from './chat.service.js';
import { conversationsRoutes } from './conversations.routes.js';
import { createOfflineAssistant } from './offline/offline-assistant.js';

export interface ChatDeps {
  config: Config;
  db: Db;
  guard: AuthGuard;
  clock: Clock;
  log: { error(obj: unknown, msg: string): void };
  /** Tests may bring their own assistant; otherwise OPENAI_API_KEY decides. */
  assistant?: Assistant;
}

/**
 * The LLM assistant when an OpenAI-compatible endpoint is configured, the offline
 * one otherwise. The agents SDK (~60 MB resident) is only loaded when used.
 */
export async function chooseAssistant(deps: Pick<ChatDeps, 'config' | 'log'>): Promise<Assistant> {
  const { apiKey, baseUrl, model, timeoutMs } = deps.config.openai;
  if (!apiKey) return createOfflineAssistant();
  const { createLlmAssistant } = await import('./llm/llm-assistant.js');
  return createLlmAssistant({ apiKey, baseUrl, model, timeoutMs, log: deps.log });
}

export async function registerChat(app: FastifyInstance, deps: ChatDeps) {
  const assistant = deps.assistant ?? (await chooseAssistant(deps));
  const service = createChatService({ db: deps.db, clock: deps.clock, assistant, log: deps.log });
  await app.register(chatRoutes({ config: deps.config, guard: deps.guard, service, log: deps.log }));
  await app.register(conversationsRoutes({ guard: deps.guard, conversations: service.conversations }));
}
