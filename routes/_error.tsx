import { Layout } from "../lib/server/layout.tsx";
import type { RouteContext } from "../lib/server/route.ts";

/** The page for a missing resource (404) or bad input (400): the reason, and ways back. */
export default function ErrorPage({ params, url }: RouteContext) {
  return (
    <Layout title={params.title ?? "Not found"}>
      <p>{params.message ?? "There is nothing here."}</p>
      <p>
        {params.title === "Bad request" && <a href={url.pathname}>Try again</a>}
        {params.title === "Bad request" && " · "}
        <a href="/">All runs</a>
      </p>
    </Layout>
  );
}
