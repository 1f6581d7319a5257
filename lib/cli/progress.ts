/** Progress of long runs: a bar with rate and ETA on a terminal, plain periodic lines otherwise. */
import cliProgress from "cli-progress";
import process from "node:process";
import { formatDuration } from "../format.ts";

export interface Progress {
  update(done: number): void;
  stop(): void;
}

const PLAIN_INTERVAL_MS = 2000;

export function createProgress(label: string, total: number, unit = "sims"): Progress {
  const began = performance.now();
  if (Deno.stderr.isTerminal()) {
    const bar = new cliProgress.SingleBar({
      format: `${label} {bar} {percentage}% | {value}/{total} | {rate} ${unit}/s | ETA {eta_formatted}`,
      stream: process.stderr,
      hideCursor: true,
      etaBuffer: 20,
    }, cliProgress.Presets.shades_classic);
    bar.start(total, 0, { rate: "0" });
    return {
      update: (done) => bar.update(done, { rate: rate(done, began) }),
      stop: () => bar.stop(),
    };
  }
  // Rate and ETA from the first update on: a resumed run's first update counts work done before it.
  let first: { done: number; time: number } | undefined;
  let lastPrint = -Infinity;
  const print = (done: number, now: number) => {
    first ??= { done, time: now };
    const seconds = (now - first.time) / 1000, perSecond = (done - first.done) / seconds;
    const eta = done === total ? 0 : perSecond > 0 ? (total - done) / perSecond : NaN;
    console.error(
      `${label}: ${done}/${total} (${Math.round((100 * done) / total)}%), ` +
        `${perSecond > 0 ? Math.round(perSecond).toLocaleString("en-US") : "–"} ${unit}/s, ` +
        `ETA ${Number.isFinite(eta) ? formatDuration(eta) : "unknown"}`,
    );
  };
  return {
    update(done) {
      const now = performance.now();
      if (first === undefined || done === total || now - lastPrint >= PLAIN_INTERVAL_MS) {
        lastPrint = now;
        print(done, now);
      }
    },
    stop() {},
  };
}

function rate(done: number, began: number): string {
  const seconds = (performance.now() - began) / 1000;
  return seconds > 0 ? Math.round(done / seconds).toLocaleString("en-US") : "0";
}
