/**
 * The report in a real browser: Debian's Chromium driven by playwright-core, headless. Every page loads without
 * console errors and shows its SVG plots; screenshots land in a temporary folder (printed). Skipped only where
 * Chromium is not installed (.ci/run installs it).
 */
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import { createApp } from "../lib/server/app.tsx";
import { makeSyntheticRuns } from "./reference/synthetic_runs.ts";

const CHROMIUM = ["/usr/lib/chromium/chromium", "/usr/bin/chromium"].find((p) => {
  try {
    return Deno.statSync(p).isFile;
  } catch {
    return false;
  }
});

Deno.test({
  name: "browser: every page renders its plots without console errors",
  ignore: CHROMIUM === undefined,
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const runs = await makeSyntheticRuns();
    const shots = await Deno.makeTempDir({ prefix: "neurosbi-screens-" });
    const app = await createApp(runs);
    const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, app.fetch);
    const base = `http://127.0.0.1:${server.addr.port}`;
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      const errors: string[] = [];
      page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
      page.on("pageerror", (e) => errors.push(String(e)));
      const pages: [string, number][] = [
        ["/", 0],
        ["/runs/rc-small", 1],
        ["/runs/rc-small/waveforms", 1],
        ["/runs/rc-small/posterior", 3],
        ["/runs/rc-small/diagnostics", 3],
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
        await page.screenshot({ path: `${shots}/${path.replaceAll("/", "_") || "_"}.png`, fullPage: true });
      }
      assert.deepEqual(errors, [], errors.join("\n"));
      console.log(`screenshots in ${shots}`);
    } finally {
      await browser.close();
      await server.shutdown();
      await Deno.remove(runs, { recursive: true });
    }
  },
});
