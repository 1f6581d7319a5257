import { overlaidMarginals, SIDE_COLOURS } from "../lib/plots/compare.ts";
import {
  type Choice,
  compare,
  type CompareSide,
  loadSide,
  observationChoices,
  pickPair,
} from "../lib/server/compare.ts";
import { Layout, Svg } from "../lib/server/layout.tsx";
import { medianInterval, PredictiveFigure } from "../lib/server/posterior_views.tsx";
import type { RouteContext } from "../lib/server/route.ts";

/** Two selects and a button: a plain GET form, so the page works without JavaScript. */
function Picker(props: { choices: Choice[]; pair: [string, string] }) {
  const select = (name: string, current: string) => (
    <select name={name}>
      {props.choices.map((c) => (
        <option key={c.ref} disabled={c.problem ? true : undefined} value={c.ref} selected={c.ref === current}>
          {c.label}
        </option>
      ))}
    </select>
  );
  return (
    <form method="get" action="/compare">
      <p>
        <label>A: {select("a", props.pair[0])}</label> <label>B: {select("b", props.pair[1])}</label>{" "}
        <button type="submit">Compare</button>
      </p>
    </form>
  );
}

function Key(props: { side: 0 | 1; of: CompareSide }) {
  return (
    <span>
      <span style={`color: ${SIDE_COLOURS[props.side]}`}>■</span> {props.side === 0 ? "A" : "B"}: {props.of.run} ·{" "}
      {props.of.observation.label}
    </span>
  );
}

export default async function Compare({ store, url }: RouteContext) {
  const choices = await observationChoices(store);
  const pair = pickPair(choices, url.searchParams.get("a") ?? undefined, url.searchParams.get("b") ?? undefined);
  if (!pair) {
    return (
      <Layout title="Compare">
        <p class="missing">
          Comparing needs two conditioned observations; the runs hold {choices.filter((c) => !c.problem).length}.
        </p>
      </Layout>
    );
  }
  const [a, b] = await Promise.all(pair.map((ref) => loadSide(store, ref)));
  const { parameters, ovl, ...samples } = compare(a, b);
  return (
    <Layout title="Compare">
      <Picker choices={choices} pair={pair} />
      <p>
        <Key side={0} of={a} /> <br />
        <Key side={1} of={b} />
      </p>
      <h2>Posterior marginals</h2>
      <p>
        Shares of each side's samples per bin, in the prior's units. OVL: the overlap coefficient of the two marginals
        (1: the same, 0: disjoint), on the prior's unit scale.
      </p>
      <table>
        <tr>
          <th>parameter</th>
          <th>A: median [95% interval]</th>
          <th>B: median [95% interval]</th>
          <th>OVL</th>
        </tr>
        {parameters.map((p, j) => (
          <tr key={p.name}>
            <td>{p.unit ? `${p.name} (${p.unit})` : p.name}</td>
            <td>{medianInterval(samples.a, j, p.unit)}</td>
            <td>{medianInterval(samples.b, j, p.unit)}</td>
            <td>{ovl[j].toFixed(3)}</td>
          </tr>
        ))}
      </table>
      <div class="plots">
        {parameters.map((p, j) => {
          const [ca, cb] = [samples.a, samples.b].map((rows) => rows.map((s) => s[j]));
          return <Svg key={p.name} svg={overlaidMarginals(p, ca, cb, `${p.name}: OVL ${ovl[j].toFixed(2)}`)} />;
        })}
      </div>
      <h2>Waveforms and posterior-predictive bands</h2>
      <div class="plots">
        {[a, b].map((side, k) => (
          <div key={side.ref}>
            <h3>{k === 0 ? "A" : "B"}: {side.run} · {side.observation.label}</h3>
            <PredictiveFigure
              predictive={side.observation.predictive}
              x={side.observation.x}
              units={side.observation.units}
              axis={side.observation.waveform_axis}
              width={560}
            />
          </div>
        ))}
      </div>
    </Layout>
  );
}
