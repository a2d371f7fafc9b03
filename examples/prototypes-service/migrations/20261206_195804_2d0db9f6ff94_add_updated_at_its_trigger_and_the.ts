import type { Migration } from "kiln-migrate";

/**
 * add updated_at, its trigger and the edited_prototypes view
 *
 * Revision: 2d0db9f6ff94
 * Parent: 41ab904f0a66
 * Created: 2026-12-06 19:58:04 UTC
 */
export default {
  revision: "2d0db9f6ff94",
  downRevision: "41ab904f0a66",
  message: "add updated_at, its trigger and the edited_prototypes view",
  async upgrade(op) {
    await op.createFunction("touch_updated_at", {
      returns: "trigger",
      language: "plpgsql",
      body: `
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END
`,
    });
    await op.addColumn("prototypes", "updated_at", {
      type: "timestamptz",
      nullable: false,
      default: "now()",
    });
    await op.createView("edited_prototypes", "SELECT id, prototype_id, name, created_at, updated_at FROM prototypes WHERE updated_at > created_at");
    await op.createTrigger("prototypes_touch_updated_at", "prototypes", {
      timing: "before",
      events: ["update"],
      forEach: "row",
      function: "touch_updated_at",
    });
  },
  async downgrade(op) {
    await op.dropTrigger("prototypes_touch_updated_at", "prototypes");
    await op.dropView("edited_prototypes");
    // WARNING: drops column prototypes.updated_at and its data
    await op.dropColumn("prototypes", "updated_at");
    await op.dropFunction("touch_updated_at", { args: [] });
  },
} satisfies Migration;
