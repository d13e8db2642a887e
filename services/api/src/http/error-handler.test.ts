import { once } from "node:events";
import { connect, type AddressInfo } from "node:net";
import Fastify from "fastify";
import { describe, expect, it } from "vitest";
import { describeValidation, installDrainResponse, installErrorHandling } from "./error-handler.js";

describe("describeValidation", () => {
  it("names missing and ill-typed fields", () => {
    expect(
      describeValidation("body", [
        { instancePath: "/prompt", message: "Invalid input: expected string, received undefined" },
        { instancePath: "/max_tokens", message: "Too small: expected number to be >0" },
      ]),
    ).toBe(
      "Invalid request body: prompt is required; max_tokens: Too small: expected number to be >0",
    );
  });

  it("uses the context for root-level problems and caps the list", () => {
    const issues = Array.from({ length: 7 }, (_, index) => ({
      instancePath: `/f${index}`,
      message: "bad",
    }));
    const message = describeValidation("querystring", issues);
    expect(message).toContain("f4: bad");
    expect(message).not.toContain("f5");
    expect(message).toContain("(and 2 more)");
    expect(describeValidation("body", [{ instancePath: "", message: "Invalid input" }])).toBe(
      "Invalid request body: body: Invalid input",
    );
  });
});

describe("installDrainResponse", () => {
  it("answers a request arriving during the shutdown drain with the contract's 503", async () => {
    const app = Fastify({ return503OnClosing: false });
    installErrorHandling(app);
    installDrainResponse(app);
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    app.get("/slow", async () => {
      started();
      await released;
      return { slow: true };
    });
    app.get("/fast", () => ({ fast: true }));
    await app.listen({ port: 0, host: "127.0.0.1" });
    const { port } = app.server.address() as AddressInfo;
    // A busy keep-alive connection survives the start of the drain (idle ones are closed); a
    // second request sent on it then is what a client racing the shutdown sends.
    const socket = connect(port, "127.0.0.1");
    socket.write("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
    let text = "";
    socket.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
    await running;
    const closed = app.close();
    await new Promise((resolve) => setImmediate(resolve));
    socket.write("GET /fast HTTP/1.1\r\nHost: x\r\n\r\n");
    await new Promise((resolve) => setTimeout(resolve, 50));
    release();
    await once(socket, "close");
    await closed;
    const [first, second] = text.split(/(?=HTTP\/1\.1 )/);
    expect(first).toMatch(/^HTTP\/1\.1 200/);
    expect(second).toMatch(/^HTTP\/1\.1 503/);
    expect(second).toMatch(/connection: close/i);
    expect(second).toMatch(/retry-after: 1/i);
    expect(JSON.parse(second?.split("\r\n\r\n")[1] ?? "")).toMatchObject({
      code: "SERVICE_UNAVAILABLE",
    });
  });
});
