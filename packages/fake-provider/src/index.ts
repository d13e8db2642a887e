export { startFakeProvider } from "./server.js";
export type {
  FakeApi,
  FakeError,
  FakeMatch,
  FakeProvider,
  FakeProviderOptions,
  FakeReply,
  FakeRequestRecord,
  FakeStopReason,
  FakeToolCall,
  FakeUsage,
} from "./types.js";
