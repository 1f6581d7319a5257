/**
 * An experiment's progress as JSON lines in its run folder, for the report's live view (lib/server/progress.ts):
 * the experiment appends them, the report streams them.
 */
import { z } from "zod";
import { PROGRESS_FILE, runPath } from "./paths.ts";
import { type ProgressLine, RUN_RECORD_VERSION } from "./types.ts";

const PROGRESS_LINE = z.looseObject({
  version: z.literal(RUN_RECORD_VERSION).optional(),
  time: z.string(),
  stage: z.string(),
  done: z.number().optional(),
  total: z.number().optional(),
  message: z.string().optional(),
});

export class ProgressLog {
  constructor(readonly dir: string, readonly echo: (line: string) => void = (l) => console.error(l)) {}

  async write(stage: string, fields: Pick<ProgressLine, "done" | "total" | "message"> = {}): Promise<void> {
    const line: ProgressLine = { version: RUN_RECORD_VERSION, time: new Date().toISOString(), stage, ...fields };
    await Deno.writeTextFile(runPath(this.dir, PROGRESS_FILE), JSON.stringify(line) + "\n", { append: true });
    const count = fields.total ? ` ${fields.done}/${fields.total}` : "";
    this.echo(`${stage}${count}${fields.message ? `: ${fields.message}` : ""}`);
  }
}

/** One line of the log as a progress record; undefined for a line that is not one (of a newer version, say). */
export function parseProgressLine(text: string): ProgressLine | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const checked = PROGRESS_LINE.safeParse(value);
  return checked.success ? checked.data as ProgressLine : undefined;
}
