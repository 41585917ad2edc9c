import { readdirSync, readFileSync } from 'node:fs';

/** CPU milliseconds per thread (keyed by process and thread id), with the thread's name. */
export type ThreadCpu = Map<string, { name: string; ms: number }>;

/** USER_HZ, the unit of /proc's CPU times, is 100 on Linux. */
const MS_PER_TICK = 10;

/** CPU each thread of process `pid` has used so far, from /proc (Linux); empty elsewhere. */
export function threadCpuSnapshot(pid: number | 'self' = 'self'): ThreadCpu {
  const threads: ThreadCpu = new Map();
  let ids: string[];
  try {
    ids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return threads;
  }
  for (const id of ids) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${id}/stat`, 'utf8');
      // The main thread's id is the process's; Node's worker threads, libuv's and V8's share its name.
      const name =
        id === String(pid === 'self' ? process.pid : pid)
          ? 'main thread'
          : stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      // utime and stime, fields 14 and 15 of stat, are at 11 and 12 once pid and name are cut off.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      threads.set(`${pid}/${id}`, { name, ms: (Number(fields[11]) + Number(fields[12])) * MS_PER_TICK });
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return threads;
}

export function mergeThreadCpu(snapshots: ThreadCpu[]): ThreadCpu {
  return new Map(snapshots.flatMap((snapshot) => [...snapshot]));
}

/**
 * CPU ms per thread name between two snapshots, largest first; a thread that ended in between is not seen.
 */
export function cpuByThreadName(before: ThreadCpu, after: ThreadCpu): Array<[string, number]> {
  const byName = new Map<string, number>();
  for (const [id, { name, ms }] of after) {
    const used = ms - (before.get(id)?.ms ?? 0);
    if (used > 0) byName.set(name, (byName.get(name) ?? 0) + used);
  }
  return [...byName].sort((a, b) => b[1] - a[1]);
}
