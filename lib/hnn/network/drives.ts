/**
 * External drives as hnn-core defines them (`network.py::add_*_drive`, `drives.py`): blocks of artificial cells at
 * the grid's origin whose spikes are synaptic events, with event times drawn per drive cell and trial.
 */
import { type BurstyDriveSpec, CELL_TYPES, type CellType, type DriveSpec, type Receptor } from "../spec/types.ts";
import { cellSpecificOffsets, type DriveConnection } from "./connections.ts";
import type { Layout } from "./positions.ts";
import { NumpyRandomState } from "./numpy_random.ts";

/** The cell types a drive targets, in gid order. */
export function driveTargets(drive: DriveSpec): CellType[] {
  const named = new Set([...Object.keys(drive.weights_ampa ?? {}), ...Object.keys(drive.weights_nmda ?? {})]);
  return CELL_TYPES.filter((t) => named.has(t));
}

function isCellSpecific(drive: DriveSpec): boolean {
  if (drive.type === "replay") return drive.cell_specific ?? false;
  return drive.cell_specific ?? drive.type !== "bursty";
}

/** The cell types a cell-specific drive has drive cells for: its targets, or every type in legacy mode. */
function driveCellTypes(drive: DriveSpec): CellType[] {
  return drive.legacy_mode ? [...CELL_TYPES] : driveTargets(drive);
}

/** Number of artificial cells of a drive. */
export function driveCellCount(drive: DriveSpec, layout: Layout): number {
  if (drive.type === "replay") return drive.spike_times_ms.length;
  if (isCellSpecific(drive)) return driveCellTypes(drive).reduce((n, t) => n + layout.positions[t].length, 0);
  return drive.n_drive_cells ?? 1;
}

/** Gid ranges [start, stop) of the drives, which follow the network's cells in the order given. */
export function driveGidRanges(drives: DriveSpec[], layout: Layout): [number, number][] {
  let next = layout.cells;
  return drives.map((d) => {
    const range: [number, number] = [next, next + driveCellCount(d, layout)];
    next = range[1];
    return range;
  });
}

/** The drives' synaptic connections: per drive, per target type, AMPA then NMDA. */
export function driveConnections(drives: DriveSpec[], layout: Layout): DriveConnection[] {
  const ranges = driveGidRanges(drives, layout);
  return drives.flatMap((drive, k) => {
    const [start, stop] = ranges[k];
    const gids = Array.from({ length: stop - start }, (_, i) => start + i);
    const cellSpecific = isCellSpecific(drive);
    const offsets = cellSpecificOffsets(layout, driveCellTypes(drive));
    const lamtha = drive.space_constant ?? (drive.type === "evoked" ? 3 : 100);
    return driveTargets(drive).flatMap((target) => {
      const delays = drive.synaptic_delays ?? 0.1;
      const delay = typeof delays === "number" ? delays : delays[target] ?? 0.1;
      const targetGids = cellSpecific
        ? gids.slice(offsets.get(target)!, offsets.get(target)! + layout.positions[target].length)
        : gids;
      const receptors: [Receptor, number | undefined][] = [
        ["ampa", drive.weights_ampa?.[target]],
        ["nmda", drive.weights_nmda?.[target]],
      ];
      return receptors.filter(([, w]) => w !== undefined).map(([receptor, weight]) => ({
        driveGids: targetGids,
        cellSpecific,
        target,
        location: drive.location,
        receptor,
        weight_uS: weight!,
        delay_ms: delay,
        lamtha,
      }));
    });
  });
}

/**
 * Event times of drive cell `offset` of `drive` in trial `trial` (`drives.py::_drive_cell_event_times`): seeded
 * with event_seed + trial·trialSeedOffset + offset, kept in (0, tstop], sorted.
 */
export function driveCellEventTimes(
  drive: DriveSpec,
  offset: number,
  tstop: number,
  layout: Layout,
  trial = 0,
  trialSeedOffset = 0,
): number[] {
  if (drive.type === "replay") return [...drive.spike_times_ms[offset]].sort((a, b) => a - b);
  // numpy seeds are 32-bit: trials far beyond hnn-core's (a dataset's rows) wrap around.
  const seed = ((drive.event_seed ?? 2) + trial * trialSeedOffset) % 2 ** 32;
  const prng = new NumpyRandomState((seed + offset) % 2 ** 32);
  let times: number[] = [];
  if (drive.type === "evoked") {
    for (let i = 0; i < drive.numspikes; i++) times.push(prng.normal(drive.mu, drive.sigma));
  } else if (drive.type === "poisson") {
    const rate = typeof drive.rate_constant === "number"
      ? drive.rate_constant
      : drive.rate_constant[targetOfCellSpecific(drive, offset, layout)];
    if (rate === undefined || !(rate > 0)) throw new Error(`drive ${drive.name}: rate_constant must be > 0 Hz`);
    const end = drive.tstop ?? tstop;
    for (let t = drive.tstart ?? 0; t < end;) {
      t += prng.exponential(1 / rate) * 1000;
      if (t < end) times.push(t);
    }
  } else {
    times = burstyTimes(drive, prng, new NumpyRandomState(seed), tstop);
  }
  return times.filter((t) => t > 0 && t <= tstop).sort((a, b) => a - b);
}

function burstyTimes(d: BurstyDriveSpec, prng: NumpyRandomState, prng2: NumpyRandomState, tstop: number): number[] {
  const numspikes = d.numspikes ?? 2, isi = d.spike_isi ?? 10, period = 1000 / d.burst_rate;
  if ((numspikes - 1) * isi > period) {
    throw new Error(`drive ${d.name}: a burst (${(numspikes - 1) * isi} ms) is longer than its period (${period} ms)`);
  }
  let t0 = d.tstart ?? 0;
  if ((d.tstart_std ?? 0) > 0) t0 = prng2.normal(t0, d.tstart_std!);
  const centres: number[] = [];
  const end = d.tstop ?? tstop;
  // np.arange(t0, tstop, period): ceil((stop − start)/step) values.
  const count = Math.max(0, Math.ceil((end - t0) / period));
  for (let i = 0; i < count; i++) centres.push(t0 + i * period);
  const jittered = centres.map((c) => prng.normal(c, d.burst_std ?? 0));
  if (numspikes <= 1) return jittered;
  const times: number[] = [];
  for (let s = 0; s < numspikes; s++) {
    const shift = isi * (s - (numspikes - 1) / 2);
    for (const t of jittered) times.push(t + shift);
  }
  return times;
}

function targetOfCellSpecific(drive: DriveSpec, offset: number, layout: Layout): CellType {
  for (const [type, start] of cellSpecificOffsets(layout, driveCellTypes(drive))) {
    if (offset >= start && offset < start + layout.positions[type].length) return type;
  }
  throw new Error(`drive ${drive.name}: drive cell ${offset} has no target`);
}
