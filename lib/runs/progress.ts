/** An experiment's progress as JSON lines in its run folder, for the report's live view (lib/server/progress.ts). */
import { PROGRESS_FILE, runPath } from "./paths.ts";
import { type ProgressLine, RUN_RECORD_VERSION } from "./records.ts";

export class ProgressLog {
  constructor(readonly dir: string, readonly echo: (line: string) => void = (l) => console.error(l)) {}

  async write(stage: string, fields: Pick<ProgressLine, "done" | "total" | "message"> = {}): Promise<void> {
    const line: ProgressLine = { version: RUN_RECORD_VERSION, time: new Date().toISOString(), stage, ...fields };
    await Deno.writeTextFile(runPath(this.dir, PROGRESS_FILE), JSON.stringify(line) + "\n", { append: true });
    const count = fields.total ? ` ${fields.done}/${fields.total}` : "";
    this.echo(`${stage}${count}${fields.message ? `: ${fields.message}` : ""}`);
  }
}
