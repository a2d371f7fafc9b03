import type { Migration } from "kiln-migrate";

/**
 * create prototypes
 *
 * Revision: c899076d1f0e
 * Parent: <base>
 * Created: 2026-11-25 01:53:47 UTC
 */
export default {
  revision: "c899076d1f0e",
  downRevision: null,
  message: "create prototypes",
  async upgrade(op) {
    await op.createEnum("prototype_status", ["draft", "active", "retired"]);
    await op.createTable("prototypes", {
      id: { type: "integer", nullable: false, identity: "always" },
      prototype_id: { type: "integer", nullable: false },
      name: { type: "varchar(200)", nullable: false },
      status: { type: "prototype_status", nullable: false, default: "'draft'" },
      created_at: { type: "timestamptz", nullable: false, default: "CURRENT_TIMESTAMP" },
    }, { primaryKey: { name: "pk_prototypes", columns: ["id"] } });
    await op.createIndex("ix_prototypes_name", "prototypes", ["name"]);
  },
  async downgrade(op) {
    await op.dropIndex("ix_prototypes_name", "prototypes");
    // WARNING: drops table prototypes and every row in it
    await op.dropTable("prototypes");
    await op.dropEnum("prototype_status");
  },
} satisfies Migration;
