import { readdir, readFile, writeFile } from "node:fs/promises";

/** A process and all its descendants (the worker runs under tsx: the process whose children run it). */
export async function processTree(pid: number | undefined): Promise<number[]> {
  if (!pid) return [];
  const children = await readdir(`/proc/${pid}/task`).then(
    async (tasks) =>
      (await Promise.all(tasks.map((task) => readFile(`/proc/${pid}/task/${task}/children`, "utf8").catch(() => "")))).flatMap(
        (text) => text.split(" ").filter(Boolean).map(Number),
      ),
    () => [],
  );
  return [pid, ...(await Promise.all(children.map(processTree))).flat()];
}

/** The sum of one /proc/<pid>/status memory figure (kB) over processes, in bytes. */
export async function sumStatus(pids: number[], field: "VmRSS" | "VmHWM"): Promise<number> {
  let total = 0;
  for (const pid of pids) {
    const status = await readFile(`/proc/${pid}/status`, "utf8").catch(() => "");
    total += Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) * 1024;
  }
  return total;
}

/** Resets the processes' high-water marks (`clear_refs`), so VmHWM then says the peak from now on. */
export async function resetPeaks(pids: number[]): Promise<void> {
  for (const pid of pids) await writeFile(`/proc/${pid}/clear_refs`, "5").catch(() => {});
}
