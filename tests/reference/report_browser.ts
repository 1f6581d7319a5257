/** The report in Debian's Chromium under playwright-core, headless: for the browser test and the docs' screenshots. */
import { chromium, type Page } from "playwright-core";
import { type AppOptions, createApp } from "../../lib/server/app.tsx";

export const CHROMIUM_PATH: string | undefined = ["/usr/lib/chromium/chromium", "/usr/bin/chromium"].find((p) => {
  try {
    return Deno.statSync(p).isFile;
  } catch {
    return false;
  }
});

export interface ReportInBrowser {
  /** `http://127.0.0.1:PORT` of the report. */
  base: string;
  page: Page;
  /** Close the browser and stop the server. */
  close(): Promise<void>;
}

/** Serve the report over `runs` on a free local port and open a 1200 × 900 page for it. */
export async function openReport(runs: string, options: AppOptions = {}): Promise<ReportInBrowser> {
  if (!CHROMIUM_PATH) throw new Error("Chromium is not installed (apt-get install chromium)");
  const app = await createApp(runs, options);
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, app.fetch);
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
  });
  return {
    base: `http://127.0.0.1:${server.addr.port}`,
    page: await browser.newPage({ viewport: { width: 1200, height: 900 } }),
    close: async () => {
      await browser.close();
      await server.shutdown();
    },
  };
}
