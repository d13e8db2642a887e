export { admitToInbox, type Admission, type InboxInput, type InboxPorts } from "./inbox.js";
export {
  listPeers,
  sendComms,
  type CommsCommand,
  type CommsIds,
  type CommsReceipt,
  type PeerEntry,
} from "./send.js";
export { commsToolDefinitions, commsToolCommand, type CommsToolDefinition } from "./tools.js";
