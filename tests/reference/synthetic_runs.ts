/**
 * A runs folder with hand-made run records (docs/runs.md) for the report's route and browser tests: a complete
 * two-parameter run with dataset manifest, training log, SBC, coverage and two observations, and an empty run.
 */
export async function makeSyntheticRuns(): Promise<string> {
  const runs = await Deno.makeTempDir({ prefix: "neurosbi-runs-" });
  await Deno.mkdir(`${runs}/rc-small/diagnostics`, { recursive: true });
  await Deno.mkdir(`${runs}/rc-small/dataset`, { recursive: true });
  await Deno.writeTextFile(`${runs}/rc-small/experiment.json`, JSON.stringify({ model: "rc", status: "complete" }));
  await Deno.writeTextFile(
    `${runs}/rc-small/dataset/manifest.json`,
    JSON.stringify({
      format: "neurosbi-dataset/1",
      status: "complete",
      model: "rc",
      prior: [{ name: "amp1", low: 0, high: 1, scale: "linear" }, {
        name: "w",
        low: 1e-5,
        high: 10,
        scale: "log10",
        unit: "µS",
      }],
      n: 1000,
      dt_ms: 0.5,
      times_ms: [0, 0.5, 1],
      theta_names: ["amp1", "w"],
      nonfinite_rows: 10,
      sims_per_second: 12345.6,
      adapter: { description: "llvmpipe" },
    }),
  );
  await Deno.writeTextFile(
    `${runs}/rc-small/training.json`,
    JSON.stringify({
      epochs: [1, 2, 3].map((epoch) => ({ epoch, train_loss: 3 - epoch / 2, validation_loss: 3.1 - epoch / 2 })),
    }),
  );
  await Deno.writeTextFile(
    `${runs}/rc-small/diagnostics/sbc.json`,
    JSON.stringify({
      parameters: ["amp1", "w"],
      samples: 100,
      ks: [{ statistic: 0.03, pValue: 0.4, rejected: false }, { statistic: 0.2, pValue: 1e-9, rejected: true }],
      histogram: { bins: 4, counts: [[25, 24, 26, 25], [60, 20, 10, 10]], band: [15, 35] },
    }),
  );
  await Deno.writeTextFile(
    `${runs}/rc-small/diagnostics/coverage.json`,
    JSON.stringify({ levels: [0, 0.5, 1], coverage: [0, 0.48, 1], maxDeviation: 0.02 }),
  );
  await Deno.mkdir(`${runs}/rc-small/observations`);
  const times = [0, 0.5, 1, 1.5];
  for (const [id, label, truth] of [["a", "θ = [0.3, 0.5]", [0.3, 0.01]], ["b", "MEG yes trial", undefined]] as const) {
    await Deno.writeTextFile(
      `${runs}/rc-small/observations/${id}.json`,
      JSON.stringify({
        label,
        times_ms: times,
        x: [0, 1, 0.5, 0],
        samples: Array.from({ length: 200 }, (_, i) => [((i * 37) % 100) / 100, 10 ** (-3 + ((i * 13) % 100) / 50)]),
        theta_true: truth,
        predictive: {
          times_ms: times,
          q025: [-1, 0, 0, -1],
          q25: [0, 0.5, 0.2, 0],
          q50: [0, 0.9, 0.4, 0],
          q75: [0, 1.2, 0.6, 0],
          q975: [1, 2, 1, 1],
          smoothing_ms: 20,
        },
        units: "V (mV)",
      }),
    );
  }
  await Deno.mkdir(`${runs}/empty-run`);
  return runs;
}

/**
 * A shared-data folder for the condition page: `long.csv` covers the RC model's 0–350 ms time base (a 10 Hz sine
 * every 2 ms), `short.txt` only 0–170 ms as the MEG trial averages do, and `notes.txt` is no waveform.
 */
export async function makeDataFolder(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "neurosbi-data-" });
  const rows = (end: number, sep: string) =>
    Array.from({ length: end / 2 + 1 }, (_, k) => `${2 * k}${sep}${Math.sin((2 * Math.PI * 2 * k) / 100)}`).join("\n");
  await Deno.writeTextFile(`${dir}/long.csv`, "time_ms,value\n" + rows(400, ","));
  await Deno.writeTextFile(`${dir}/short.txt`, rows(170, " "));
  await Deno.writeTextFile(`${dir}/notes.txt`, "# not a waveform\n");
  return dir;
}

/** An observation record's waveform as an upload: CSV with a header, time (ms) and value. */
export function waveformCsv(record: { times_ms: number[]; x: number[] }): string {
  return "time_ms,value\n" + record.times_ms.map((t, k) => `${t},${record.x[k]}\n`).join("");
}

/**
 * Runs the report must show as bad without breaking the others, beside `makeSyntheticRuns`' rc-small: a truncated
 * experiment.json, a posterior.json of random bytes, an observation of the wrong shape (next to a good one), and a
 * plain file where run folders go.
 */
export async function addBadRuns(runs: string): Promise<void> {
  await Deno.mkdir(`${runs}/truncated`);
  await Deno.writeTextFile(`${runs}/truncated/experiment.json`, '{"model": "rc", "sta');
  for (const run of ["bad-posterior", "bad-observation"]) {
    await copyFolder(`${runs}/rc-small`, `${runs}/${run}`);
  }
  await Deno.mkdir(`${runs}/bad-posterior/posterior`);
  await Deno.writeFile(`${runs}/bad-posterior/posterior/posterior.json`, Uint8Array.from([0x7b, 0x00, 0xff, 0x13]));
  await Deno.writeTextFile(`${runs}/bad-observation/observations/b.json`, JSON.stringify({ label: 3, x: [] }));
  await Deno.writeTextFile(`${runs}/notes.txt`, "not a run\n");
}

async function copyFolder(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const entry of Deno.readDir(from)) {
    if (entry.isDirectory) await copyFolder(`${from}/${entry.name}`, `${to}/${entry.name}`);
    else await Deno.copyFile(`${from}/${entry.name}`, `${to}/${entry.name}`);
  }
}
