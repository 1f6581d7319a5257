/** A report figure with its SVG download link: the same file `cli export` writes (lib/plots/run_figures.ts). */
import type { Figure } from "../plots/run_figures.ts";
import { Svg } from "./layout.tsx";

export function figureHref(run: string, name: string, query = ""): string {
  return `/runs/${run}/figures/${name}.svg${query}`;
}

/** The figure named `name` among `figures`, or nothing when the run has not written its data. */
export function FigureWithDownload(props: { run: string; figures: Figure[]; name: string; query?: string }) {
  const figure = props.figures.find((f) => f.name === props.name);
  if (!figure) return null;
  return (
    <div class="figure">
      <Svg svg={figure.render()} />
      <a class="download" href={figureHref(props.run, figure.name, props.query)} download>
        SVG
      </a>
    </div>
  );
}
