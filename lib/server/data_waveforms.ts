/**
 * The waveform files of one data folder (by default the MEG trial averages in data/meg, lib/data/paths.ts)
 * that the condition page offers: two-column text files (time ms, value) or hnn-core dipole files (time, agg, L2,
 * L5), read by lib/data/waveform.ts. Only
 * names from the listing are read, so a request cannot reach any other file.
 */
import { join } from "node:path";
import { type DipoleColumn, parseWaveform, type Waveform } from "../data/waveform.ts";
import { dataPath } from "../data/paths.ts";

const WAVEFORM_FILE = /^[A-Za-z0-9][A-Za-z0-9._-]*\.(txt|csv)$/;
/** Larger files are not single waveforms (and would not fit an upload either). */
const MAX_FILE_BYTES = 1 << 20;

export interface DataWaveform {
  name: string;
  waveform: Waveform;
}

export class DataWaveforms {
  constructor(readonly dir: string = dataPath("meg")) {}

  /** The files that parse as waveforms, by name; empty when the folder does not exist. */
  async list(): Promise<DataWaveform[]> {
    const found: DataWaveform[] = [];
    try {
      for await (const entry of Deno.readDir(this.dir)) {
        const path = join(this.dir, entry.name);
        if (!entry.isFile || !WAVEFORM_FILE.test(entry.name) || (await Deno.stat(path)).size > MAX_FILE_BYTES) continue;
        try {
          found.push({ name: entry.name, waveform: parseWaveform(await Deno.readTextFile(path), entry.name) });
        } catch {
          // Not a waveform file: not offered.
        }
      }
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
    return found.sort((a, b) => a.name.localeCompare(b.name));
  }

  /** The waveform in file `name`, which must be one of the listed ones; `column` of an hnn-core dipole file. */
  async read(name: string, column: DipoleColumn = "agg"): Promise<Waveform> {
    const found = (await this.list()).find((w) => w.name === name);
    if (!found) throw new Error(`no data waveform named ${JSON.stringify(name)}`);
    if (column === "agg") return found.waveform;
    return parseWaveform(await Deno.readTextFile(join(this.dir, name)), name, column);
  }
}
