export * from "./realms.js";
export * from "./sessions.js";
export * from "./turns.js";
export * from "./messages.js";
export * from "./session-events.js";
