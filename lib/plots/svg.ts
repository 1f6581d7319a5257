/** Server-side SVG from Observable Plot, rendered into a linkedom document (no browser, no JavaScript needed). */
import * as Plot from "@observablehq/plot";
import { parseHTML } from "linkedom";

const { document } = parseHTML("<!doctype html><html><body></body></html>") as unknown as { document: unknown };

export type PlotOptions = Plot.PlotOptions;

/** The slice of the DOM we touch (Deno's types have no DOM). */
interface DomElement {
  tagName: string;
  outerHTML: string;
  getAttribute(name: string): string | null;
  setAttribute(name: string, value: string): void;
  querySelectorAll(selector: string): Iterable<DomElement>;
}
export { Plot };

/** Height of the title line above a plot's own SVG content. */
const TITLE_HEIGHT = 22;

const escapeXml = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/**
 * A standalone SVG string (with its xmlns) for `options`. A title goes inside the SVG on a line of its own above the
 * plot, so the plot stays one file that downloads as it is (Plot itself would wrap it in an HTML figure); a plot with
 * Plot's HTML legend is such a figure already and gets its title as the figure's heading.
 */
export function plotSvg(options: PlotOptions): string {
  const { title, ...rest } = options;
  // A plot with a legend comes back as a <figure> around its SVGs.
  const node = Plot.plot({ ...rest, document: document as never }) as unknown as DomElement;
  const isSvg = node.tagName.toLowerCase() === "svg";
  const svgs = isSvg ? [node] : [...node.querySelectorAll("svg")];
  for (const svg of svgs) svg.setAttribute("xmlns", "http://www.w3.org/2000/svg");
  if (title === undefined) return node.outerHTML;
  if (!isSvg) {
    // A figure (a plot with Plot's legend) keeps its title as Plot puts it there: a heading above the legend.
    const html = node.outerHTML, start = html.indexOf(">") + 1;
    return html.slice(0, start) + `<h2>${escapeXml(String(title))}</h2>` + html.slice(start);
  }
  const width = Number(node.getAttribute("width")), height = Number(node.getAttribute("height")) + TITLE_HEIGHT;
  node.setAttribute("height", String(height));
  node.setAttribute("viewBox", `0 0 ${width} ${height}`);
  // Spliced as text: re-parsing the content through the HTML DOM would nest SVG's self-closed elements.
  const html = node.outerHTML, start = html.indexOf(">") + 1, end = html.lastIndexOf("</svg>");
  return html.slice(0, start) +
    `<text x="${width / 2}" y="15" font-size="12" font-weight="600">${escapeXml(String(title))}</text>` +
    `<g transform="translate(0,${TITLE_HEIGHT})">${html.slice(start, end)}</g></svg>`;
}
