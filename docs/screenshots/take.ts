/**
 * Refresh the report's screenshots in this folder from a runs folder (default: runs/, with the RC run below):
 * `deno run -A docs/screenshots/take.ts [RUNS] [RUN]`. Conditioning uploads the run's second observation as CSV; with
 * an `erp-small` run in RUNS, its MEG yes and no trials are compared too.
 */
import { Buffer } from "node:buffer";
import { openReport } from "../../tests/reference/report_browser.ts";
import { waveformCsv } from "../../tests/reference/synthetic_runs.ts";

const [runs = "runs", run = "rc-small"] = Deno.args;
const out = new URL(".", import.meta.url).pathname;
const { base, page, close } = await openReport(runs);
try {
  const shots: [string, string][] = [
    ["index", "/"],
    ["overview", `/runs/${run}/`],
    ["waveforms", `/runs/${run}/waveforms`],
    ["posterior", `/runs/${run}/posterior`],
    ["diagnostics", `/runs/${run}/diagnostics`],
    ["compare", `/compare?a=${run}`],
    ["condition", `/runs/${run}/condition`],
  ];
  // The ERP run's MEG trials side by side, when the runs folder has it.
  const erp = await Deno.stat(`${runs}/erp-small/observations/meg-yes.json`).then(() => true, () => false);
  if (erp) shots.push(["compare-meg", "/compare?a=erp-small:meg-yes&b=erp-small:meg-no"]);
  for (const [name, path] of shots) {
    await page.goto(base + path);
    await page.screenshot({ path: `${out}${name}.png`, fullPage: true });
  }
  const ids = (await Array.fromAsync(Deno.readDir(`${runs}/${run}/observations`))).map((e) => e.name).sort();
  const csv = waveformCsv(JSON.parse(await Deno.readTextFile(`${runs}/${run}/observations/${ids.at(-1)}`)));
  await page.goto(`${base}/runs/${run}/condition`);
  await page.setInputFiles("input[name=waveform]", {
    name: "recording.csv",
    mimeType: "text/csv",
    buffer: Buffer.from(csv),
  });
  await Promise.all([page.waitForURL(`**/runs/${run}/condition`), page.click("button[type=submit]")]);
  await page.waitForSelector("main svg");
  await page.screenshot({ path: `${out}condition-result.png`, fullPage: true });
  console.log(`screenshots in ${out}`);
} finally {
  await close();
}
