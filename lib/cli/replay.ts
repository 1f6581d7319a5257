/** `replay`: simulate an hnn-core reference fixture's scenario and write the result in the fixture's terms. */
import { assertWritableFile, writeFileAtomic } from "../data/atomic.ts";
import { GpuRuntime } from "../gpu/runtime.ts";
import { readFixture } from "../hnn/reference/fixture.ts";
import { replayLoaded } from "../hnn/reference/replay.ts";

export async function replayCommand(args: { fixture: string; out: string }): Promise<void> {
  // Read before the GPU is acquired, so a missing or damaged fixture fails at once.
  const fixture = await readFixture(args.fixture);
  await assertWritableFile(args.out);
  const runtime = await GpuRuntime.acquire();
  try {
    const began = performance.now();
    const result = await replayLoaded(runtime, fixture);
    await writeFileAtomic(args.out, JSON.stringify(result) + "\n");
    const seconds = (performance.now() - began) / 1000;
    console.log(
      `replayed ${args.fixture}: ${result.times_ms.length} samples, ${result.spikes.gids.length} spikes, ` +
        `${seconds.toFixed(1)} s; wrote ${args.out}`,
    );
  } finally {
    runtime.destroy();
  }
}
