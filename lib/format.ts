/** Durations and sizes as people read them, in messages and progress lines. */

/** `s` seconds as people read them: 42 s, 7.5 min, 3.2 h. */
export function formatDuration(s: number): string {
  if (s < 90) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  if (s < 5400) return `${(s / 60).toFixed(1)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

export function formatBytes(bytes: number): string {
  const units = ["B", "kB", "MB", "GB", "TB"];
  const k = Math.min(units.length - 1, Math.floor(Math.log10(Math.max(bytes, 1)) / 3));
  return `${(bytes / 1000 ** k).toFixed(k === 0 ? 0 : 1)} ${units[k]}`;
}
