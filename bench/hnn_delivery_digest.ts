/**
 * SHA-256 of what an ERP batch produces (layer dipoles as float64 bytes, spike times and gids), to compare versions
 * of the simulator for bit-identical output (run it in each version's checkout). Networks differ by their drives'
 * trial.
 *
 * `deno run --allow-read --allow-env bench/hnn_delivery_digest.ts [dt, ms] [batch] [steps]` (steps: all by default).
 */
import { compileNetwork, GpuRuntime, HNN_REQUIRED_LIMITS, networkInstance, simulateNetwork } from "../mod.ts";
import { canonicalErpSpec } from "./hnn_network_bench.ts";

const [dt, batch, steps] = [Number(Deno.args[0] ?? 0.5), Number(Deno.args[1] ?? 2), Deno.args[2]];
const runtime = await GpuRuntime.acquire({ requiredLimits: HNN_REQUIRED_LIMITS });
const spec = canonicalErpSpec(dt);
const net = compileNetwork(spec, { batch });
const instances = Array.from({ length: batch }, (_, b) => networkInstance(spec, [], b));
const options = { instances, steps: steps === undefined ? undefined : Number(steps) };
const outputs = await simulateNetwork(runtime, net, options);
const hash = async (data: ArrayLike<number>) =>
  Array.from(
    new Uint8Array(await crypto.subtle.digest("SHA-256", Float64Array.from(data))),
    (b) => b.toString(16).padStart(2, "0"),
  )
    .join("");
for (const [b, out] of outputs.entries()) {
  const spikes = Float64Array.from([...out.spikes.times_ms, ...out.spikes.gids]);
  console.log(
    `network ${b}: L2 ${await hash(out.rawL2)} L5 ${await hash(
      out.rawL5,
    )} spikes ${out.spikes.gids.length} ${await hash(
      spikes,
    )}`,
  );
}
runtime.destroy();
