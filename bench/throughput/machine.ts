import { cpus } from 'node:os';

/** CPU time of the whole machine so far, in milliseconds summed over its cores. */
export interface MachineCpu {
  busyMs: number;
  totalMs: number;
  cores: number;
}

export function machineCpu(): MachineCpu {
  let busyMs = 0;
  let totalMs = 0;
  const all = cpus();
  for (const { times } of all) {
    const total = times.user + times.nice + times.sys + times.idle + times.irq;
    totalMs += total;
    busyMs += total - times.idle;
  }
  return { busyMs, totalMs, cores: all.length };
}

/**
 * How many of the machine's cores were busy between two readings, whoever used them (the
 * services, the broker, this benchmark, anything else running): a run on a busy machine shows.
 */
export function busyCores(from: MachineCpu, to: MachineCpu): number {
  const total = to.totalMs - from.totalMs;
  if (total <= 0) return 0;
  return Math.round(((to.busyMs - from.busyMs) / total) * to.cores * 100) / 100;
}
