/**
 * The report in a real browser: Debian's Chromium driven by playwright-core, headless. Every page loads without
 * console errors and shows its SVG plots, and an uploaded waveform conditions the posterior; screenshots land in a
 * temporary folder (printed). Skipped only where Chromium is not installed (.ci/run installs it).
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { CHROMIUM_PATH, openReport } from "./reference/report_browser.ts";
import { makeSyntheticRuns, waveformCsv } from "./reference/synthetic_runs.ts";
import { makeTinyRcRun } from "./reference/tiny_run.ts";

Deno.test({
  name: "browser: every page renders its plots without console errors; an upload conditions the posterior",
  ignore: CHROMIUM_PATH === undefined,
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const runs = await makeSyntheticRuns();
    await makeTinyRcRun(`${runs}/rc-tiny`);
    const shots = await Deno.makeTempDir({ prefix: "neurosbi-screens-" });
    const { base, page, close } = await openReport(runs);
    try {
      const errors: string[] = [];
      page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
      page.on("pageerror", (e) => errors.push(String(e)));
      const shoot = (name: string) => page.screenshot({ path: `${shots}/${name}.png`, fullPage: true });
      const pages: [string, number][] = [
        ["/", 0],
        ["/runs/rc-small", 1],
        ["/runs/rc-small/waveforms", 1],
        ["/runs/rc-small/posterior", 3],
        ["/runs/rc-small/diagnostics", 3],
        ["/runs/rc-tiny", 1],
        // Rank histograms, ECDF differences, both coverages and the recovery scatters.
        ["/runs/rc-tiny/diagnostics", 11],
        ["/runs/rc-tiny/posterior?obs=latency-0&bounds=prior", 6],
        ["/runs/rc-tiny/condition", 0],
        ["/compare?a=rc-tiny", 3 + 2],
        ["/runs/no-such-run", 0],
      ];
      for (const [path, svgs] of pages) {
        const before = errors.length;
        const response = await page.goto(base + path);
        if (path.includes("no-such")) {
          // The 404 page's own status is logged as a console error; nothing else may be.
          const own = errors.findIndex((e, k) => k >= before && /status of 404/.test(e));
          if (own >= 0) errors.splice(own, 1);
        }
        assert.equal(response?.status(), path.includes("no-such") ? 404 : 200, path);
        assert.ok((await page.locator("main svg").count()) >= svgs, `${path}: at least ${svgs} plots`);
        await shoot(path.replace(/[/?=]/g, "_") || "_");
      }

      // Downloads: the posterior's samples as CSV and a figure as SVG, with the file names the server gives them.
      await page.goto(`${base}/runs/rc-tiny/posterior?obs=latency-0`);
      const [samples] = await Promise.all([page.waitForEvent("download"), page.click("text=samples (CSV)")]);
      assert.equal(samples.suggestedFilename(), "rc-tiny-latency-0-samples.csv");
      const rows = (await Deno.readTextFile(await samples.path())).trimEnd().split("\n");
      assert.equal(rows[0], "amp1,amp2,latency");
      assert.equal(rows.length, 1 + 200, "a header and the observation's 200 samples");
      await page.goto(`${base}/runs/rc-tiny/diagnostics`);
      const ecdf = page.locator('a.download[href$="sbc-ecdf-amp1.svg"]');
      const [figure] = await Promise.all([page.waitForEvent("download"), ecdf.click()]);
      assert.equal(figure.suggestedFilename(), "rc-tiny-sbc-ecdf-amp1.svg");
      assert.match(await Deno.readTextFile(await figure.path()), /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
      assert.match(await page.locator("main").textContent() ?? "", /The grey band is simultaneous/);

      const csv = waveformCsv(JSON.parse(await Deno.readTextFile(`${runs}/rc-tiny/observations/latency-37.5.json`)));
      await page.goto(`${base}/runs/rc-tiny/condition`);
      await page.setInputFiles("input[name=waveform]", {
        name: "recording.csv",
        mimeType: "text/csv",
        buffer: Buffer.from(csv),
      });
      await Promise.all([page.waitForURL("**/runs/rc-tiny/condition"), page.click("button[type=submit]")]);
      assert.equal(await page.locator("h1").textContent(), "rc-tiny conditioned on recording.csv");
      assert.match(await page.locator("main").textContent() ?? "", /1000 posterior samples in the prior's units/);
      assert.equal(await page.locator(".pair-plot svg").count(), 6, "3 marginals and 3 joint densities");
      assert.equal(await page.locator("main figure svg").count(), 1, "the predictive bands");
      await shoot("condition-result");
      assert.deepEqual(errors, [], errors.join("\n"));
      console.log(`screenshots in ${shots}`);
    } finally {
      await close();
      await Deno.remove(runs, { recursive: true });
    }
  },
});
