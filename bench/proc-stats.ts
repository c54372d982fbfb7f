// What the harness reads from Linux's /proc: a process's CPU time (utime + stime, all threads), its
// resident memory now (VmRSS) and at its peak (VmHWM), a sampler of VmRSS, and the whole machine's
// CPU time, to see how much of it went to work other than the benchmark's.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';

const CLOCK_TICKS_PER_S = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** utime, stime, cutime, cstime of a process (fields 14-17 of /proc/<pid>/stat), in ms. */
function times(pid: number): [number, number, number, number] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces; fields after it are counted from its closing ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return [11, 12, 13, 14].map((i) => (Number(fields[i]) * 1000) / CLOCK_TICKS_PER_S) as [number, number, number, number];
}

/** CPU time the process has used so far (user + system, every thread), in ms. */
export function cpuMs(pid: number): number {
  const [utime, stime] = times(pid);
  return utime + stime;
}

/**
 * CPU time of a process and everything it started, running or ended (e.g. the esbuild service tsx
 * starts to transpile), in ms; 0 for a process that is gone.
 */
function treeCpuMs(pid: number): number {
  try {
    let total = times(pid).reduce((a, b) => a + b, 0);
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const children = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
      for (const child of children === '' ? [] : children.split(' ')) total += treeCpuMs(Number(child));
    }
    return total;
  } catch {
    return 0;
  }
}

/** The machine's CPU time so far, summed over every core: busy (user, nice, system, irq, softirq) and stolen. */
function machineCpuMs(): { busy: number; steal: number } {
  const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/);
  const [user, nice, system, , , irq, softirq, steal] = fields.map(Number);
  const ms = (ticks: number) => (ticks * 1000) / CLOCK_TICKS_PER_S;
  return { busy: ms(user! + nice! + system! + irq! + softirq!), steal: ms(steal ?? 0) };
}

export interface CpuWindowResult {
  wallMs: number;
  /** CPU time of each watched process itself in the window, ms, in the order given. */
  processesMs: number[];
  /** CPU time of this process (the harness, with its load generator) in the window, ms. */
  harnessMs: number;
  /** Busy CPU time of the machine outside the watched processes (and what they started) and the harness: someone else's work. */
  otherMs: number;
  /** Time the hypervisor gave this machine's cores to other machines. */
  stealMs: number;
}

/**
 * Starts counting CPU time, for the processes `pids`, this process, and the machine as a whole. `stop`
 * may name processes born since the start: all of their CPU time is in the window.
 */
export function cpuWindow(pids: number[]): { stop(bornSince?: number[]): CpuWindowResult } {
  const started = performance.now();
  const machine = machineCpuMs();
  const harness = process.cpuUsage();
  const processes = pids.map(cpuMs);
  const trees = pids.map(treeCpuMs);
  return {
    stop(bornSince = []) {
      const processesMs = [...pids.map((pid, i) => cpuMs(pid) - processes[i]!), ...bornSince.map(cpuMs)];
      const treesMs = [...pids.map((pid, i) => treeCpuMs(pid) - trees[i]!), ...bornSince.map(treeCpuMs)];
      const { user, system } = process.cpuUsage(harness);
      const harnessMs = (user + system) / 1000;
      const now = machineCpuMs();
      const ours = treesMs.reduce((a, b) => a + b, harnessMs);
      return {
        wallMs: performance.now() - started,
        processesMs,
        harnessMs,
        otherMs: Math.max(0, now.busy - machine.busy - ours),
        stealMs: now.steal - machine.steal,
      };
    },
  };
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
