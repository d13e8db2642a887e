export * from "./channels.js";
export * from "./publisher.js";
export * from "./hub.js";
