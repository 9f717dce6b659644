import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
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

const ANNOTATIONS: Record<string, { readOnlyHint?: boolean; destructiveHint?: boolean; idempotentHint?: boolean }> = {
  list_tasks: { readOnlyHint: true },
  add_task: { readOnlyHint: false, destructiveHint: false },
  complete_task: { readOnlyHint: false, destructiveHint: false, idempotentHint: true },
  update_task: { readOnlyHint: false, destructiveHint: false, idempotentHint: true },
  delete_task: { readOnlyHint: false, destructiveHint: true, idempotentHint: true },
};

// textJson: titles in the text content cannot carry raw line breaks or bidi controls (SPEC §3.6).
const text = (value: unknown, isError = false): CallToolResult => ({
  content: [{ type: 'text', text: textJson(value) }],
  ...(isError ? { isError: true } : {}),
});

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
      { description: tool.description, inputSchema: tool.input, annotations: ANNOTATIONS[tool.name] ?? {} },
      async (args) => {
        // Checked at the HTTP layer too (403); this keeps the tool safe on its own.
        if (!hasScope(principal, tool.scope)) {
          return text({ error: 'insufficient_scope', message: `This token lacks the ${tool.scope} scope` }, true);
        }
        const result = await tool.execute(context(), args);
        return text(result.output, !result.ok);
      },
    );
  }
  return server;
}
