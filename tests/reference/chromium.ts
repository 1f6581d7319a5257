/** Debian's Chromium under playwright-core, headless, for the browser test and the docs' screenshots. */
import { type Browser, chromium } from "playwright-core";

export const CHROMIUM_PATH: string | undefined = ["/usr/lib/chromium/chromium", "/usr/bin/chromium"].find((p) => {
  try {
    return Deno.statSync(p).isFile;
  } catch {
    return false;
  }
});

export async function launchChromium(): Promise<Browser> {
  if (!CHROMIUM_PATH) throw new Error("Chromium is not installed (apt-get install chromium)");
  return await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
  });
}
