/** Every lint rule, in the order findings for one operation are listed. */
import { addUniqueConstraint } from "./add-unique-constraint.js";
import { constraintNotValid } from "./constraint-not-valid.js";
import { indexNotConcurrent } from "./index-not-concurrent.js";
import { notNullWithoutDefault } from "./not-null-without-default.js";
import { renameBreaksApp } from "./rename-breaks-app.js";
import type { LintRule } from "./rule.js";
import { setNotNull } from "./set-not-null.js";
import { typeChangeRewriteRule } from "./type-change-rewrite.js";
import { volatileDefault } from "./volatile-default.js";
import { rlsWithoutPolicy } from "./rls-without-policy.js";
import { refreshNotConcurrent } from "./refresh-not-concurrent.js";
import { triggerOnExistingTable } from "./trigger-on-existing-table.js";
import { immutableFunctionChange } from "./immutable-function-change.js";

export const RULES: readonly LintRule[] = [
  indexNotConcurrent,
  constraintNotValid,
  setNotNull,
  typeChangeRewriteRule,
  volatileDefault,
  notNullWithoutDefault,
  renameBreaksApp,
  addUniqueConstraint,
  rlsWithoutPolicy,
  refreshNotConcurrent,
  triggerOnExistingTable,
  immutableFunctionChange,
];

export type { LintRule, RuleScope } from "./rule.js";
