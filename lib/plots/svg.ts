/** Server-side SVG from Observable Plot, rendered into a linkedom document (no browser, no JavaScript needed). */
import * as Plot from "@observablehq/plot";
import { parseHTML } from "linkedom";

const { document } = parseHTML("<!doctype html><html><body></body></html>") as unknown as { document: unknown };

export type PlotOptions = Plot.PlotOptions;

/** The slice of the DOM we touch (Deno's types have no DOM). */
interface DomElement {
  tagName: string;
  outerHTML: string;
  setAttribute(name: string, value: string): void;
  querySelectorAll(selector: string): Iterable<DomElement>;
}
export { Plot };

const TITLE_HEIGHT = 18;

/**
 * A standalone SVG string (with its xmlns) for `options`. A title is drawn inside the SVG, above the frame, so the
 * plot stays one file that can be downloaded as it is (Plot itself would wrap it in an HTML figure).
 */
export function plotSvg(options: PlotOptions): string {
  const { title, ...rest } = options;
  const marginTop = (rest.marginTop ?? 20) + (title ? TITLE_HEIGHT : 0);
  const titleMark = Plot.text([String(title ?? "")], {
    frameAnchor: "top",
    dy: -marginTop + 4,
    lineAnchor: "top",
    fontSize: 12,
    fontWeight: 600,
    text: (d: string) => d,
  });
  const marks = title ? [...(rest.marks ?? []), titleMark] : rest.marks;
  // A plot with a legend comes back as a <figure> around its SVGs.
  const node = Plot.plot({ ...rest, marginTop, marks, document: document as never }) as unknown as DomElement;
  const svgs = node.tagName.toLowerCase() === "svg" ? [node] : [...node.querySelectorAll("svg")];
  for (const svg of svgs) svg.setAttribute("xmlns", "http://www.w3.org/2000/svg");
  return node.outerHTML;
}
