import { once } from "node:events";
import http from "node:http";
import net, { type AddressInfo } from "node:net";

export interface ForwardProxy {
  /** `http://127.0.0.1:<port>`, for HTTP_PROXY / HTTPS_PROXY. */
  url: string;
  /** What it carried, in order: `POST http://host:port/path` or `CONNECT host:port`. */
  carried: string[];
  close(): Promise<void>;
}

/**
 * A forward proxy as egress proxies work: absolute-form requests for http: targets, CONNECT
 * tunnels for https: ones. A client that hangs up is hung up on upstream too, so a cut request
 * is seen as cut by the server behind the proxy.
 */
export async function startForwardProxy(): Promise<ForwardProxy> {
  const carried: string[] = [];
  // CONNECT sockets leave the HTTP server's bookkeeping: closeAllConnections() misses them.
  const tunnels = new Set<net.Socket>();
  const proxy = http.createServer((req, res) => {
    carried.push(`${req.method ?? ""} ${req.url ?? ""}`);
    const upstream = http.request(
      new URL(req.url ?? ""),
      { method: req.method, headers: req.headers },
      (reply) => {
        res.writeHead(reply.statusCode ?? 502, reply.headers);
        reply.pipe(res);
      },
    );
    upstream.on("error", () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    res.on("close", () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  });
  proxy.on("connect", (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
    carried.push(`CONNECT ${req.url ?? ""}`);
    tunnels.add(socket);
    const [host = "", port = "0"] = (req.url ?? "").split(":");
    const upstream = net.connect(Number(port), host, () => {
      socket.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    upstream.on("error", () => socket.destroy());
    upstream.on("close", () => socket.destroy());
    socket.on("error", () => upstream.destroy());
    socket.on("close", () => {
      tunnels.delete(socket);
      upstream.destroy();
    });
  });
  proxy.listen(0, "127.0.0.1");
  await once(proxy, "listening");
  return {
    url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    carried,
    async close() {
      proxy.closeAllConnections();
      for (const socket of tunnels) socket.destroy();
      await new Promise((resolve) => proxy.close(resolve));
    },
  };
}
