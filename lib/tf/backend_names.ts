/** Backends by name, apart from tfjs itself so the CLI can list them without loading it. */
export const BACKEND_NAMES = ["auto", "wasm", "cpu", "webgpu", "tfjs-webgpu"] as const;
export type BackendName = typeof BACKEND_NAMES[number];
