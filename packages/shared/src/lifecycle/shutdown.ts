import type { Logger } from "pino";

/** Phases run in this order; steps within a phase run in parallel. */
export const SHUTDOWN_PHASES = [
  "stop-intake",
  "drain",
  "close-clients",
  "flush-telemetry",
] as const;
export type ShutdownPhase = (typeof SHUTDOWN_PHASES)[number];

export interface ShutdownStep {
  name: string;
  phase: ShutdownPhase;
  close: () => Promise<void> | void;
}

export interface Shutdown {
  register(step: ShutdownStep): void;
  /** Starts shutdown (idempotent: every call returns the same promise). Resolves to the exit code. */
  run(reason: string, exitCode?: number): Promise<number>;
  readonly isShuttingDown: boolean;
  /** Aborted as soon as shutdown begins; long-running loops listen to it. */
  readonly signal: AbortSignal;
}

export interface ShutdownOptions {
  logger: Logger;
  deadlineMs: number;
  /** Called with the final exit code; defaults to process.exit. */
  exit?: (code: number) => void;
}

/**
 * Ordered, idempotent, deadline-bounded shutdown: stop intake → drain → close clients → flush
 * telemetry. A step failure is logged with its name and does not stop later steps. When the
 * deadline passes, the process exits 1 whatever is still running.
 */
export function createShutdown(options: ShutdownOptions): Shutdown {
  const steps: ShutdownStep[] = [];
  const controller = new AbortController();
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let running: Promise<number> | undefined;

  async function runPhases(reason: string, exitCode: number): Promise<number> {
    const { logger } = options;
    logger.info({ reason, deadlineMs: options.deadlineMs }, "shutdown started");
    controller.abort(new Error(`shutting down: ${reason}`));
    const deadline = setTimeout(() => {
      logger.error({ deadlineMs: options.deadlineMs }, "shutdown deadline exceeded");
      exit(1);
    }, options.deadlineMs);
    deadline.unref();
    let code = exitCode;
    for (const phase of SHUTDOWN_PHASES) {
      const inPhase = steps.filter((step) => step.phase === phase);
      const results = await Promise.allSettled(inPhase.map(async (step) => step.close()));
      results.forEach((result, index) => {
        if (result.status === "rejected") {
          code = code === 0 ? 1 : code;
          logger.error(
            { err: result.reason, step: inPhase[index]?.name, phase },
            "shutdown step failed",
          );
        }
      });
    }
    clearTimeout(deadline);
    logger.info({ exitCode: code }, "shutdown complete");
    return code;
  }

  return {
    register(step) {
      steps.push(step);
    },
    run(reason, exitCode = 0) {
      running ??= runPhases(reason, exitCode).then((code) => {
        exit(code);
        return code;
      });
      return running;
    },
    get isShuttingDown() {
      return running !== undefined;
    },
    signal: controller.signal,
  };
}

/**
 * Wires SIGTERM/SIGINT to a graceful shutdown and makes uncaught errors fatal (logged, then
 * shutdown with exit code 1: the process never keeps running after them).
 */
export function installProcessHandlers(shutdown: Shutdown, logger: Logger): void {
  const onSignal = (signal: NodeJS.Signals) => {
    void shutdown.run(signal);
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
  process.on("uncaughtException", (err) => {
    logger.fatal({ err }, "uncaught exception");
    void shutdown.run("uncaughtException", 1);
  });
  process.on("unhandledRejection", (err) => {
    logger.fatal({ err }, "unhandled rejection");
    void shutdown.run("unhandledRejection", 1);
  });
}
