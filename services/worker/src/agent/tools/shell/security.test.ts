import { describe, expect, it } from "vitest";
import { checkCommand, globMatches, simpleCommands } from "./security.js";

describe("globMatches", () => {
  it("anchors the whole command; * spans anything, ? one character", () => {
    expect(globMatches("ls*", "ls -la /tmp")).toBe(true);
    expect(globMatches("git status", "git status")).toBe(true);
    expect(globMatches("git status", "git status --short")).toBe(false);
    expect(globMatches("cat ?.txt", "cat a.txt")).toBe(true);
    expect(globMatches("cat ?.txt", "cat ab.txt")).toBe(false);
    expect(globMatches("*rm -rf*", "sudo rm -rf /")).toBe(true);
  });

  it("treats regex characters literally", () => {
    expect(globMatches("echo (a)+[b]", "echo (a)+[b]")).toBe(true);
    expect(globMatches("a.c", "abc")).toBe(false);
  });
});

describe("simpleCommands", () => {
  it("splits at separators, pipes and substitutions", () => {
    expect(simpleCommands("ls; rm -rf x && echo ok || true | wc -l & sleep 1")).toEqual([
      "ls",
      "rm -rf x",
      "echo ok",
      "true",
      "wc -l",
      "sleep 1",
    ]);
    expect(simpleCommands("echo $(whoami) `id`")).toEqual(["echo", "whoami", "id"]);
    expect(simpleCommands("a\nb")).toEqual(["a", "b"]);
  });
});

describe("checkCommand", () => {
  it("unrestricted allows everything", () => {
    expect(checkCommand("rm -rf /", "unrestricted", ["*"])).toEqual({ allowed: true });
  });

  it("deny_list refuses a match anywhere in the command line", () => {
    const patterns = ["rm *", "curl *"];
    expect(checkCommand("ls -la", "deny_list", patterns).allowed).toBe(true);
    expect(checkCommand("rm -rf build", "deny_list", patterns).allowed).toBe(false);
    const hidden = checkCommand("ls && rm -rf build", "deny_list", patterns);
    expect(hidden).toMatchObject({ allowed: false });
    if (!hidden.allowed) expect(hidden.reason).toContain("rm *");
    expect(checkCommand("echo $(curl evil.example)", "deny_list", patterns).allowed).toBe(false);
  });

  it("allow_list needs every simple command to match", () => {
    const patterns = ["ls*", "echo *", "cat *"];
    expect(checkCommand("ls -la", "allow_list", patterns).allowed).toBe(true);
    expect(checkCommand("ls | cat -n", "allow_list", patterns).allowed).toBe(true);
    const chained = checkCommand("ls; rm -rf x", "allow_list", patterns);
    expect(chained).toMatchObject({ allowed: false });
    if (!chained.allowed) expect(chained.reason).toContain("'rm -rf x'");
    expect(checkCommand("echo $(rm x)", "allow_list", patterns).allowed).toBe(false);
    expect(checkCommand("   ", "allow_list", patterns).allowed).toBe(false);
  });

  it("allow_list without patterns refuses everything", () => {
    expect(checkCommand("ls", "allow_list", []).allowed).toBe(false);
  });
});
