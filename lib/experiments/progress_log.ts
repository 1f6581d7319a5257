/** An experiment's progress as JSON lines in its run folder, for the report's live view (lib/server/progress.ts). */
import { join } from "node:path";

export class ProgressLog {
  constructor(readonly dir: string, readonly echo: (line: string) => void = (l) => console.error(l)) {}

  async write(stage: string, fields: { done?: number; total?: number; message?: string } = {}): Promise<void> {
    const line = { time: new Date().toISOString(), stage, ...fields };
    await Deno.writeTextFile(join(this.dir, "progress.jsonl"), JSON.stringify(line) + "\n", { append: true });
    const count = fields.total ? ` ${fields.done}/${fields.total}` : "";
    this.echo(`${stage}${count}${fields.message ? `: ${fields.message}` : ""}`);
  }
}
