/** Shapes shared by both OpenAI wires: the error body and the model list. */

const ERRORS: Record<number, { type: string; code: string | null }> = {
  400: { type: "invalid_request_error", code: null },
  401: { type: "invalid_request_error", code: "invalid_api_key" },
  403: { type: "invalid_request_error", code: "unsupported_country_region_territory" },
  404: { type: "invalid_request_error", code: "model_not_found" },
  429: { type: "requests", code: "rate_limit_exceeded" },
  500: { type: "server_error", code: null },
  503: { type: "server_error", code: "overloaded" },
};

export function openAiErrorBody(
  status: number,
  type?: string,
  message?: string,
): Record<string, unknown> {
  const known = ERRORS[status] ?? {
    type: status >= 500 ? "server_error" : "invalid_request_error",
    code: null,
  };
  return {
    error: {
      message: message ?? `Fake ${type ?? known.type} (status ${status})`,
      type: type ?? known.type,
      param: null,
      code: known.code,
    },
  };
}

export function openAiModelList(): Record<string, unknown> {
  return {
    object: "list",
    data: ["gpt-fake-large", "gpt-fake-small"].map((id) => ({
      id,
      object: "model",
      created: 1_735_689_600,
      owned_by: "fake-provider",
    })),
  };
}
