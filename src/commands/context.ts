/** What every command starts from: the resolved config, the loaded revisions and their graph. */
import { loadConfig, type LoadConfigOptions, type ResolvedConfig } from "../config/load.js";
import { buildGraph, type RevisionGraph } from "../revisions/graph.js";
import { loadRevisions, type LoadedRevision } from "../revisions/load.js";
import { silentReporter, type Reporter } from "../runtime/reporter.js";

export interface CommonOptions extends LoadConfigOptions {
  /** Where progress and warnings go. Default: nowhere. */
  reporter?: Reporter;
  /** A project already loaded (a fleet run gives each target's): used as it is, nothing is read again. */
  project?: Project;
}

export interface Project {
  config: ResolvedConfig;
  revisions: Map<string, LoadedRevision>;
  graph: RevisionGraph<LoadedRevision>;
  reporter: Reporter;
}

/** Loads config, revision files and graph; every error here happens before touching a database. */
export async function loadProject(options: CommonOptions): Promise<Project> {
  if (options.project) return options.project;
  const config = await loadConfig(options);
  const loaded = await loadRevisions(config.migrationsDir);
  const graph = buildGraph(loaded);
  return {
    config,
    revisions: new Map(loaded.map((r) => [r.revision, r])),
    graph,
    reporter: options.reporter ?? silentReporter,
  };
}
