import type { LlmToolDefinition } from "@meerkat/shared/llm";
import type { RunContext } from "../run-context.js";
import type { Tool, ToolSource } from "./types.js";

/** The tools one run may call, by name. */
export class ToolSet {
  readonly #tools: Map<string, Tool>;

  constructor(tools: Iterable<Tool>) {
    this.#tools = new Map();
    for (const tool of tools) if (!this.#tools.has(tool.name)) this.#tools.set(tool.name, tool);
  }

  get(name: string): Tool | undefined {
    return this.#tools.get(name);
  }

  get size(): number {
    return this.#tools.size;
  }

  names(): string[] {
    return [...this.#tools.keys()];
  }

  definitions(): LlmToolDefinition[] {
    return [...this.#tools.values()].map((tool) => ({
      name: tool.name,
      description: tool.description,
      inputSchema: tool.inputSchema,
    }));
  }
}

/** Collects the tools of every source enabled for this run (first definition of a name wins). */
export async function resolveTools(
  sources: readonly ToolSource[],
  run: RunContext,
): Promise<ToolSet> {
  const tools: Tool[] = [];
  for (const source of sources) {
    if (!source.enabled(run)) continue;
    tools.push(...(await source.tools(run)));
  }
  return new ToolSet(tools);
}
