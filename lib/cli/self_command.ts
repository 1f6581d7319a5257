/** The command line that runs this CLI in a process of its own, with the project's config and the `cli` task's permissions. */
import { fileURLToPath } from "node:url";

const MAIN = fileURLToPath(new URL("./main.ts", import.meta.url));
const CONFIG = fileURLToPath(new URL("../../deno.json", import.meta.url));

/** `deno` arguments that run `neurosbi ARGS` as `deno task cli ARGS` does. */
export function cliArgs(args: readonly string[]): string[] {
  return [
    "run",
    "--config",
    CONFIG,
    "--allow-read",
    "--allow-write",
    "--allow-env",
    "--allow-sys=hostname",
    "--allow-run",
    MAIN,
    ...args,
  ];
}
