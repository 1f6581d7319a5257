/** file: URL ↔ path conversions from node:url (Deno std's path module is not reachable here). */
export { fileURLToPath as fromFileUrl, pathToFileURL as toFileUrl } from "node:url";
