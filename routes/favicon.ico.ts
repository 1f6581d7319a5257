/** No icon: answer browsers' favicon request with an empty success rather than a 404. */
export function GET(): Response {
  return new Response(null, { status: 204 });
}
