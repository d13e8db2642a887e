import type { Redis } from "ioredis";
import {
  controlChannel,
  sessionChannel,
  turnsChannel,
  type ControlMessage,
  type SessionEventBatch,
  type TurnOutcomeMessage,
} from "./channels.js";

type Listener<T> = (message: T) => void;

export interface RealtimeHub {
  /** Subscribes to one session's event batches; returns the unsubscribe function. */
  subscribeSession(sessionId: string, listener: Listener<SessionEventBatch>): Promise<() => void>;
  onTurnOutcome(listener: Listener<TurnOutcomeMessage>): () => void;
  onControl(listener: Listener<ControlMessage>): () => void;
  /** Called after the subscriber reconnects: messages may have been lost meanwhile. */
  onResync(listener: () => void): () => void;
  start(options: { turns: boolean; control: boolean }): Promise<void>;
  close(): Promise<void>;
}

/**
 * One Redis subscriber connection per process, fanned out in memory. Session channels are
 * reference-counted: the first listener subscribes, the last one unsubscribes.
 */
export function createHub(subscriber: Redis, namespace: string): RealtimeHub {
  const sessionListeners = new Map<string, Set<Listener<SessionEventBatch>>>();
  /** In-flight SUBSCRIBE per session: later callers wait for it too, so nobody misses a message. */
  const pendingSubscribes = new Map<string, Promise<unknown>>();
  const turnListeners = new Set<Listener<TurnOutcomeMessage>>();
  const controlListeners = new Set<Listener<ControlMessage>>();
  const resyncListeners = new Set<() => void>();
  const sessionPrefix = sessionChannel(namespace, "");
  const turns = turnsChannel(namespace);
  const control = controlChannel(namespace);
  let wasReady = false;
  let lostConnection = false;

  subscriber.on("message", (channel: string, raw: string) => {
    let message: unknown;
    try {
      message = JSON.parse(raw);
    } catch {
      return;
    }
    if (channel === turns) {
      for (const listener of turnListeners) listener(message as TurnOutcomeMessage);
    } else if (channel === control) {
      for (const listener of controlListeners) listener(message as ControlMessage);
    } else if (channel.startsWith(sessionPrefix)) {
      const listeners = sessionListeners.get(channel.slice(sessionPrefix.length));
      if (listeners) for (const listener of listeners) listener(message as SessionEventBatch);
    }
  });
  subscriber.on("close", () => {
    if (wasReady) lostConnection = true;
  });
  subscriber.on("ready", () => {
    // ioredis re-subscribes every channel on reconnect; anything published meanwhile is lost.
    if (wasReady && lostConnection) {
      lostConnection = false;
      for (const listener of resyncListeners) listener();
    }
    wasReady = true;
  });

  function add<T>(set: Set<T>, item: T): () => void {
    set.add(item);
    return () => set.delete(item);
  }

  return {
    async subscribeSession(sessionId, listener) {
      let listeners = sessionListeners.get(sessionId);
      if (!listeners) {
        listeners = new Set();
        sessionListeners.set(sessionId, listeners);
        const subscribing = subscriber.subscribe(sessionChannel(namespace, sessionId));
        pendingSubscribes.set(sessionId, subscribing);
        void subscribing.finally(() => pendingSubscribes.delete(sessionId)).catch(() => undefined);
      }
      listeners.add(listener);
      await pendingSubscribes.get(sessionId);
      return () => {
        const current = sessionListeners.get(sessionId);
        if (!current) return;
        current.delete(listener);
        if (current.size === 0) {
          sessionListeners.delete(sessionId);
          subscriber.unsubscribe(sessionChannel(namespace, sessionId)).catch(() => undefined);
        }
      };
    },
    onTurnOutcome: (listener) => add(turnListeners, listener),
    onControl: (listener) => add(controlListeners, listener),
    onResync: (listener) => add(resyncListeners, listener),
    async start(options) {
      if (subscriber.status === "wait") await subscriber.connect();
      const channels = [...(options.turns ? [turns] : []), ...(options.control ? [control] : [])];
      if (channels.length > 0) await subscriber.subscribe(...channels);
      wasReady = true;
    },
    async close() {
      sessionListeners.clear();
      turnListeners.clear();
      controlListeners.clear();
      resyncListeners.clear();
      subscriber.disconnect();
      await Promise.resolve();
    },
  };
}
