// What the harness reads about a server process from Linux's /proc: CPU time (utime + stime, all
// threads), resident memory now (VmRSS) and at its peak (VmHWM), and a sampler of VmRSS.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

const CLOCK_TICKS_PER_S = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU time the process has used so far (user + system, every thread), in ms. */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces; fields after it are counted from its closing ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) * 1000) / CLOCK_TICKS_PER_S;
}

export interface MemoryKb {
  rss: number;
  /** Peak RSS since the process started, or since the last resetPeak(). */
  hwm: number;
}

export function memoryKb(pid: number): MemoryKb {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: field('VmRSS'), hwm: field('VmHWM') };
}

/**
 * Resets the process's VmHWM to its current RSS (Linux >= 4.0, same user), so the next reading is the
 * peak of what follows. False when the kernel refuses: VmHWM then is the peak since the process started.
 */
export function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** Samples VmRSS every `everyMs` until stopped; answers the largest sample, in kB. */
export function sampleRss(pid: number, everyMs = 100): { stop(): number } {
  let max = 0;
  const sample = () => {
    try {
      max = Math.max(max, memoryKb(pid).rss);
    } catch {
      // the process is gone; the harness notices elsewhere
    }
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return max;
    },
  };
}
