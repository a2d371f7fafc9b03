/** `kiln graph`: the revision graph as a Mermaid or DOT diagram, for docs and pull requests. */
import { UsageError } from "../errors.js";
import { GRAPH_FORMATS, type GraphFormat, renderGraph } from "../revisions/graph-export.js";
import type { CommonOptions } from "./context.js";
import { history, type HistoryOptions } from "./status.js";

export interface GraphOptions extends CommonOptions {
  /** START:END, either side optional (as `kiln history -r`). */
  range?: HistoryOptions["range"];
  /** Default: mermaid. */
  format?: GraphFormat;
  /** Mark the revision(s) the database is at (connects to the database). */
  indicateCurrent?: boolean;
}

/** The diagram's text. */
export async function graph(options: GraphOptions = {}): Promise<string> {
  const format = options.format ?? "mermaid";
  if (!GRAPH_FORMATS.includes(format)) {
    throw new UsageError(`unknown graph format "${String(format)}": use ${GRAPH_FORMATS.join(" or ")}`);
  }
  // history lists newest first, with the current revisions marked when asked; diagrams go parents first.
  const revisions = (await history({ ...options, indicateCurrent: options.indicateCurrent })).reverse();
  const current = new Set(revisions.filter((r) => r.isCurrent).map((r) => r.revision));
  return renderGraph(format, revisions, current);
}
