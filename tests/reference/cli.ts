/** Run the CLI as a user does (its own process, the project's config, the cli task's permissions). */
import assert from "node:assert/strict";
import { cliArgs } from "../../lib/cli/self_command.ts";

/** The CLI command with `args`, its output piped; spawn it to watch or kill it mid-run. */
export function cliCommand(...args: string[]): Deno.Command {
  return new Deno.Command(Deno.execPath(), {
    args: cliArgs(args),
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  });
}

export async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const result = await cliCommand(...args).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: result.code, stdout: decode(result.stdout), stderr: decode(result.stderr) };
}

/**
 * Each command line (with `--out out` added) fails with exit code 1 and one stderr line matching its pattern, and
 * writes nothing at `out`.
 */
export async function assertRefused(cases: [string[], RegExp][], out: string): Promise<void> {
  for (const [args, message] of cases) {
    const { code, stderr } = await cli(...args, "--out", out);
    assert.equal(code, 1, args.join(" "));
    assert.match(stderr, message);
    assert.equal(stderr.trim().split("\n").length, 1, stderr);
    const written = await Deno.stat(out).then(() => true, () => false);
    assert.ok(!written, `${args.join(" ")} wrote ${out}`);
  }
}
