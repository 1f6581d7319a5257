/** hnn-core's dipole post-processing that is always applied (dipole.py, hnn-model.md §7). */

export interface LayerDipoles {
  agg: Float64Array;
  L2: Float64Array;
  L5: Float64Array;
}

/**
 * `Dipole._baseline_renormalize` then `_convert_fAm_to_nAm`: subtract hnn-core's fixed per-layer baselines
 * (scaled by the pyramidal cells per layer, N_pyr_x · N_pyr_y) from raw fAm sums, then × 1e-6.
 * `times` are NEURON's accumulated times: the masks compare them with 37 and 750 ms as hnn-core does.
 */
export function renormalizeDipole(
  rawL2: Float64Array,
  rawL5: Float64Array,
  times: Float64Array,
  nPyramidal: number,
): LayerDipoles {
  const n = times.length;
  const out: LayerDipoles = { agg: new Float64Array(n), L2: new Float64Array(n), L5: new Float64Array(n) };
  for (let i = 0; i < n; i++) {
    const t = times[i];
    const l5Base = t <= 37 ? -49.0502 : t < 750 ? 3.4770508e-3 * t - 51.231085 : 1.01e-4 * t - 48.412078;
    const l2 = rawL2[i] - nPyramidal * 0.0443;
    const l5 = rawL5[i] - nPyramidal * l5Base;
    out.L2[i] = l2 * 1e-6;
    out.L5[i] = l5 * 1e-6;
    out.agg[i] = (l2 + l5) * 1e-6;
  }
  return out;
}
