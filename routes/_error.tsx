import { Layout } from "../lib/server/layout.tsx";
import type { RouteContext } from "../lib/server/route.ts";

export default function NotFoundPage({ params }: RouteContext) {
  return (
    <Layout title="Not found">
      <p>{params.message ?? "There is nothing here."}</p>
      <p>
        <a href="/">All runs</a>
      </p>
    </Layout>
  );
}
