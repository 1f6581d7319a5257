/** sbi's independent z-scoring: per-column mean and standard deviation (unbiased) learned from training data. */

export interface Standardization {
  thetaMean: number[];
  thetaStd: number[];
  xMean: number[];
  xStd: number[];
}

/** Mean and std of each column of a row-major rows × cols matrix; std floored (constant columns stay finite). */
export function columnMoments(data: ArrayLike<number>, rows: number, cols: number): { mean: number[]; std: number[] } {
  if (rows < 2) throw new Error(`standardising needs at least 2 rows, got ${rows}`);
  const mean = new Array<number>(cols).fill(0), sq = new Array<number>(cols).fill(0);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) mean[c] += data[r * cols + c];
  for (let c = 0; c < cols; c++) mean[c] /= rows;
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) sq[c] += (data[r * cols + c] - mean[c]) ** 2;
  return { mean, std: sq.map((s) => Math.max(Math.sqrt(s / (rows - 1)), 1e-14)) };
}
