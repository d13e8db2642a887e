import { createServer, type Server } from "node:http";

export interface ProbeServer {
  close(): Promise<void>;
  readonly port: number;
}

/**
 * A tiny HTTP server for Kubernetes probes: `/livez` answers while the process runs, `/readyz`
 * runs `isReady` (dependencies reachable, not shutting down).
 */
export async function startProbeServer(
  port: number,
  host: string,
  isReady: () => Promise<boolean>,
): Promise<ProbeServer> {
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? "/").split("?")[0];
    if (path === "/livez") {
      response.writeHead(200, { "content-type": "text/plain" }).end("ok");
      return;
    }
    if (path === "/readyz") {
      isReady().then(
        (ready) => {
          response.writeHead(ready ? 200 : 503, { "content-type": "text/plain" });
          response.end(ready ? "ready" : "not ready");
        },
        () => response.writeHead(503, { "content-type": "text/plain" }).end("not ready"),
      );
      return;
    }
    response.writeHead(404, { "content-type": "text/plain" }).end("not found");
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, resolve);
  });
  const address = server.address();
  return {
    port: typeof address === "object" && address ? address.port : port,
    close: () =>
      new Promise((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}
