/** tfjs backends by name, apart from tfjs itself so the CLI can list them without loading it. */
export const BACKEND_NAMES = ["auto", "wasm", "cpu", "webgpu"] as const;
export type BackendName = typeof BACKEND_NAMES[number];
