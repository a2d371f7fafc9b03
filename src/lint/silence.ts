/**
 * Silencing: `// kiln-lint-ignore rule-id[, rule-id]: reason` in the comment lines
 * right above an operation, or `lint: { ignore: ["rule-id"], reason: "..." }` in
 * the revision's default export for the whole revision. A silence names its rules
 * and says why; one without a reason still silences but is itself a warning, so CI
 * keeps failing until someone writes the reason down.
 */
import type { RevisionIgnore } from "./types.js";

export interface IgnoreDirective {
  /** 1-based line of the comment. */
  line: number;
  rules: string[];
  reason?: string;
}

const DIRECTIVE = /(?:\/\/|\/\*)\s*kiln-lint-ignore\b(.*?)(?:\*\/\s*)?$/;
const COMMENT_LINE = /^\s*(?:\/\/|\/\*|\*)/;

/** Parses `rule-a, rule-b: reason` (the text after `kiln-lint-ignore`). */
function parseDirectiveText(text: string): { rules: string[]; reason?: string } {
  const colon = text.indexOf(":");
  const ids = colon < 0 ? text : text.slice(0, colon);
  const reason = colon < 0 ? undefined : text.slice(colon + 1).trim();
  return {
    rules: ids.split(/[\s,]+/).filter((id) => id.length > 0),
    ...(reason ? { reason } : {}),
  };
}

/** Every `kiln-lint-ignore` comment in a revision file. */
export function readIgnoreDirectives(source: string): IgnoreDirective[] {
  const directives: IgnoreDirective[] = [];
  // Most files have none: no need to split them into lines.
  if (!source.includes("kiln-lint-ignore")) return directives;
  source.split(/\r?\n/).forEach((text, index) => {
    const match = DIRECTIVE.exec(text);
    if (match) directives.push({ line: index + 1, ...parseDirectiveText(match[1]!) });
  });
  return directives;
}

/**
 * The directives that apply to an operation on `line`: those in the block of
 * comment lines directly above it (the nearest line above may also be code with
 * a trailing directive).
 */
export function directivesFor(line: number, source: string, directives: readonly IgnoreDirective[]): IgnoreDirective[] {
  const lines = source.split(/\r?\n/);
  const covered = new Set<number>([line - 1]);
  for (let above = line - 1; above >= 1 && COMMENT_LINE.test(lines[above - 1] ?? ""); above--) covered.add(above);
  return directives.filter((d) => covered.has(d.line));
}

/** Reads the `lint` field of a revision's default export; a string describes what is wrong with it. */
export function readRevisionIgnore(value: unknown): RevisionIgnore | string | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return 'the revision\'s "lint" field must be an object: lint: { ignore: ["rule-id"], reason: "why" }';
  }
  const { ignore, reason } = value as Record<string, unknown>;
  const rules = typeof ignore === "string" ? [ignore] : ignore;
  if (!Array.isArray(rules) || rules.length === 0 || rules.some((r) => typeof r !== "string" || r === "")) {
    return 'the revision\'s "lint.ignore" must list rule ids: lint: { ignore: ["rule-id"], reason: "why" }';
  }
  if (reason !== undefined && typeof reason !== "string") return 'the revision\'s "lint.reason" must be a string';
  const text = typeof reason === "string" ? reason.trim() : "";
  return { rules: rules as string[], ...(text ? { reason: text } : {}) };
}
