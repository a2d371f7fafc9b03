/**
 * The revision graph as a Mermaid flowchart or a Graphviz DOT digraph, for
 * docs and pull requests. Pure. Revision messages are hostile input: each label
 * is first made one safe line (terminalText), then escaped for the syntax it
 * sits in, so no message can end its label and add nodes, edges or markup.
 */
import { terminalText } from "../neutralize.js";
import type { RevisionNode } from "./types.js";

export type GraphFormat = "mermaid" | "dot";
export const GRAPH_FORMATS: readonly GraphFormat[] = ["mermaid", "dot"];

/** Ids longer than this are cut in labels (kiln's own ids are 12 characters). */
const SHORT_ID_LENGTH = 12;
/** Messages longer than this are cut in labels: a diagram is an overview. */
const LABEL_MESSAGE_LENGTH = 60;

/** `short id + message`, one line, neutralized, not yet escaped for a syntax. */
export function nodeLabel(node: RevisionNode): string {
  const id = cut(node.revision, SHORT_ID_LENGTH);
  const message = cut(node.message.split(/\r\n|[\n\r\u0085\u2028\u2029]/)[0] ?? "", LABEL_MESSAGE_LENGTH);
  return terminalText(message ? `${id} ${message}` : id);
}

function cut(text: string, length: number): string {
  const chars = [...text];
  return chars.length > length ? `${chars.slice(0, length - 1).join("")}…` : text;
}

/** `nodes` in topological order (parents first); edges go from parent to child, dependsOn dashed. */
export function renderGraph(format: GraphFormat, nodes: readonly RevisionNode[], current: ReadonlySet<string> = new Set()): string {
  return format === "mermaid" ? renderMermaid(nodes, current) : renderDot(nodes, current);
}

/** Every character other than letters, digits, space and a few safe signs as a Mermaid entity code (`#34;`). */
export function mermaidText(text: string): string {
  let out = "";
  for (const char of text) out += /^[\p{L}\p{N} .,:+\-_()]$/u.test(char) ? char : `#${char.codePointAt(0)};`;
  return out;
}

function renderMermaid(nodes: readonly RevisionNode[], current: ReadonlySet<string>): string {
  // Node ids are positions (n0, n1, ...): a revision id could be a Mermaid keyword such as `end`.
  const idOf = new Map(nodes.map((node, index) => [node.revision, `n${index}`]));
  const lines = ["flowchart TD"];
  for (const node of nodes) lines.push(`  ${idOf.get(node.revision)}["${mermaidText(nodeLabel(node))}"]`);
  for (const node of nodes) {
    for (const parent of new Set(node.downRevisions)) {
      if (idOf.has(parent)) lines.push(`  ${idOf.get(parent)} --> ${idOf.get(node.revision)}`);
    }
    for (const dependency of new Set(node.dependsOn)) {
      if (idOf.has(dependency)) lines.push(`  ${idOf.get(dependency)} -.->|depends on| ${idOf.get(node.revision)}`);
    }
  }
  const marked = nodes.filter((node) => current.has(node.revision)).map((node) => idOf.get(node.revision));
  if (marked.length > 0) {
    lines.push("  classDef current stroke-width:3px", `  class ${marked.join(",")} current`);
  }
  return `${lines.join("\n")}\n`;
}

/** A DOT quoted string: backslash and double quote escaped (the text is already one line without controls). */
export function dotString(text: string): string {
  return `"${text.replace(/[\\"]/g, (char) => `\\${char}`)}"`;
}

function renderDot(nodes: readonly RevisionNode[], current: ReadonlySet<string>): string {
  const ids = new Set(nodes.map((node) => node.revision));
  const id = (revision: string) => dotString(terminalText(revision));
  const lines = ["digraph revisions {", "  rankdir=TB;", "  node [shape=box];"];
  for (const node of nodes) {
    const style = current.has(node.revision) ? ", penwidth=3" : "";
    lines.push(`  ${id(node.revision)} [label=${dotString(nodeLabel(node))}${style}];`);
  }
  for (const node of nodes) {
    for (const parent of new Set(node.downRevisions)) if (ids.has(parent)) lines.push(`  ${id(parent)} -> ${id(node.revision)};`);
    for (const dependency of new Set(node.dependsOn)) {
      if (ids.has(dependency)) lines.push(`  ${id(dependency)} -> ${id(node.revision)} [style=dashed, label="depends on"];`);
    }
  }
  lines.push("}");
  return `${lines.join("\n")}\n`;
}
