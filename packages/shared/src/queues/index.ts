export * from "./catalog.js";
export * from "./connections.js";
export * from "./producer.js";
