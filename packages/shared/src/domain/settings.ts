/**
 * Session-level settings persisted on the session row. Omitted continue fields inherit these;
 * explicit ones override and persist (the contract's "resume override mask").
 */
export interface SessionSettings {
  system_prompt?: string | null | undefined;
  max_tokens: number;
  structured_output_retries: number;
  output_schema?: unknown;
  keep_alive: boolean;
  comms_name?: string | null | undefined;
  peer_meta?: { description?: string; labels?: Record<string, string> } | null | undefined;
  provider_params?: Record<string, unknown> | null | undefined;
  hooks_override?: unknown;
  enable_builtins?: boolean | null | undefined;
  enable_shell?: boolean | null | undefined;
  enable_memory?: boolean | null | undefined;
  enable_schedule?: boolean | null | undefined;
  enable_workgraph?: boolean | null | undefined;
  enable_web_search?: boolean | null | undefined;
  budget_limits?: unknown;
  preload_skills?: unknown;
  additional_instructions?: string[] | null | undefined;
  app_context?: unknown;
  shell_env?: Record<string, string> | null | undefined;
}
