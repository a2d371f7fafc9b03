/** Names the PostgreSQL dialect's layers share, apart from the modules that read a schema (loaded only when one is read). */
export const DEFAULT_SCHEMA = "public";
export const DEFAULT_KILN_TABLES = ["kiln_version", "kiln_history", "kiln_version_journal", "kiln_version_lock"];
