/** Facts about the machine a run happened on, for the report. */
import { readFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";

function osName() {
  try {
    const release = readFileSync("/etc/os-release", "utf8");
    return release.match(/^PRETTY_NAME="?([^"\n]+)"?/m)?.[1] ?? process.platform;
  } catch {
    return process.platform;
  }
}

export function machineFacts() {
  const list = cpus();
  return {
    cores: list.length,
    cpuModel: list[0]?.model.trim() ?? "unknown",
    memoryGiB: totalmem() / 1024 ** 3,
    os: osName(),
    // Other work on the machine skews timings; the report shows how busy it was.
    loadAverage: loadavg()[1],
  };
}
