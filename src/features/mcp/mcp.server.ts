import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult, ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { Principal } from '../../http/auth-guard.js';
import { textJson } from '../../lib/display-text.js';
import { ALL_TOOLS, type ToolContext, type ToolScope } from '../tools/task-tools.js';

/** Access tokens may do whatever their user may; PATs and OAuth tokens only what their scopes allow. */
export function hasScope(principal: Principal, scope: ToolScope): boolean {
  return principal.scopes === 'all' || principal.scopes.has(scope);
}

export function scopeOfTool(name: string): ToolScope | undefined {
  return ALL_TOOLS.find((t) => t.name === name)?.scope;
}

/**
 * MCP tool metadata (MCP 2025-11-25 "Tools"): a human title, behaviour hints for
 * clients that ask before destructive calls, and the shape of structuredContent.
 */
const changeOutput = z.object({
  task_id: z.string().describe('The id of the task'),
  status: z.enum(['created', 'completed', 'updated', 'deleted']),
  title: z.string().describe('The task’s title after the change'),
});
const listOutput = z.object({
  tasks: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      completed: z.boolean(),
      priority: z.enum(['low', 'medium', 'high']),
      due_date: z.string().nullable().describe('YYYY-MM-DD, or null'),
    }),
  ),
});

const META: Record<string, { title: string; annotations: ToolAnnotations; output: z.ZodObject }> = {
  list_tasks: {
    title: 'List tasks',
    annotations: { readOnlyHint: true, openWorldHint: false },
    output: listOutput,
  },
  add_task: {
    title: 'Add a task',
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    output: changeOutput,
  },
  complete_task: {
    title: 'Complete a task',
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    output: changeOutput,
  },
  update_task: {
    title: 'Update a task',
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    output: changeOutput,
  },
  delete_task: {
    title: 'Delete a task',
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    output: changeOutput,
  },
};

// textJson: titles in the text content cannot carry raw line breaks or bidi controls (SPEC §3.6).
const failure = (value: unknown): CallToolResult => ({
  content: [{ type: 'text', text: textJson(value) }],
  isError: true,
});

/**
 * A successful call: the output as text (JSON, as before structured results existed)
 * and as structuredContent matching the declared outputSchema. A list is an array
 * in the text and `{tasks: [...]}` in structuredContent, which must be an object.
 */
function success(name: string, output: unknown): CallToolResult {
  const structured = (name === 'list_tasks' ? { tasks: output } : output) as Record<string, unknown>;
  return { content: [{ type: 'text', text: textJson(output) }], structuredContent: structured };
}

/**
 * A fresh MCP server for one request (stateless Streamable HTTP), its five task
 * tools bound to the principal that authenticated this request. The user id
 * never comes from tool arguments.
 */
export function createTasksMcpServer(principal: Principal, context: () => ToolContext): McpServer {
  const server = new McpServer(
    { name: 'tasktalk', version: '0.1.0' },
    {
      capabilities: { tools: {} },
      instructions: 'Manage the signed-in user’s Tasktalk todo list. Use list_tasks to find task ids.',
    },
  );
  // SPEC §3.6: tools/list shows a token only the tools its scopes let it call.
  for (const tool of ALL_TOOLS.filter((t) => hasScope(principal, t.scope))) {
    server.registerTool(
      tool.name,
      {
        title: META[tool.name]?.title ?? tool.name,
        description: tool.description,
        inputSchema: tool.input,
        ...(META[tool.name] ? { outputSchema: META[tool.name]?.output } : {}),
        annotations: { title: META[tool.name]?.title ?? tool.name, ...META[tool.name]?.annotations },
      },
      async (args) => {
        // Checked at the HTTP layer too (403); this keeps the tool safe on its own.
        if (!hasScope(principal, tool.scope)) {
          return failure({ error: 'insufficient_scope', message: `This token lacks the ${tool.scope} scope` });
        }
        const result = await tool.execute(context(), args);
        return result.ok ? success(tool.name, result.output) : failure(result.output);
      },
    );
  }
  return server;
}
