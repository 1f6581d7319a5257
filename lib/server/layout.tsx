/** The page frame: title, navigation for a run, plain CSS; pages work without JavaScript. */
import type { Child } from "hono/jsx";

const CSS = `
body { font: 15px/1.45 system-ui, sans-serif; margin: 0; color: #222; }
header { background: #1f3a5f; color: white; padding: 0.6rem 1.2rem; }
header a { color: white; margin-right: 1rem; text-decoration: none; }
header .run { color: #9fb7d6; margin: 0 0.6rem 0 1rem; }
main { padding: 1rem 1.2rem; max-width: 1200px; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; }
td, th { border: 1px solid #ccc; padding: 0.25rem 0.6rem; text-align: left; }
.plots { display: flex; flex-wrap: wrap; gap: 1rem; }
.missing { color: #888; font-style: italic; }
.bad { color: #a00; }
figure { margin: 0; }
figure h2 { font-size: 0.95rem; font-weight: 600; margin: 0.2rem 0; }
.warning { background: #fff4d6; border-left: 4px solid #d99a00; padding: 0.4rem 0.7rem; }
.caption { color: #555; max-width: 60rem; }
a.download { font-size: 0.8rem; }
`;

export function Layout(props: { title: string; run?: string; children?: Child }) {
  const tabs = ["", "waveforms", "posterior", "diagnostics", "condition"];
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <title>{props.title} · neurosbi</title>
        <style>{CSS}</style>
      </head>
      <body>
        <header>
          <a href="/">neurosbi runs</a>
          <a href={props.run ? `/compare?a=${props.run}` : "/compare"}>compare</a>
          <a href="/events">beta events</a>
          {props.run && <span class="run">{props.run}:</span>}
          {props.run && tabs.map((tab) => <a key={tab} href={`/runs/${props.run}/${tab}`}>{tab || "overview"}</a>)}
        </header>
        <main>
          <h1>{props.title}</h1>
          {props.children}
        </main>
      </body>
    </html>
  );
}

/** Inline a server-rendered SVG string. */
export function Svg(props: { svg: string }) {
  return <div class="plot" dangerouslySetInnerHTML={{ __html: props.svg }} />;
}
