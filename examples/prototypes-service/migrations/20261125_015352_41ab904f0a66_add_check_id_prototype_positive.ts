import type { Migration } from "kiln-migrate";

/**
 * add check_id_prototype_positive
 *
 * Revision: 41ab904f0a66
 * Parent: c899076d1f0e
 * Created: 2026-11-25 01:53:52 UTC
 */
export default {
  revision: "41ab904f0a66",
  downRevision: "c899076d1f0e",
  message: "add check_id_prototype_positive",
  async upgrade(op) {
    await op.createCheckConstraint("check_id_prototype_positive", "prototypes", "prototype_id >= 0");
  },
  async downgrade(op) {
    await op.dropConstraint("check_id_prototype_positive", "prototypes", { type: "check" });
  },
} satisfies Migration;
