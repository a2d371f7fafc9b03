/**
 * Row-level security of the tables read: the ENABLE / FORCE switches
 * (pg_class.relrowsecurity, relforcerowsecurity) and the policies (pg_policy,
 * expressions through pg_get_expr as pg_dump prints them). One query.
 */
import { setCanonical } from "../../../catalog/exact-text.js";
import { normalizePolicy, type Policy } from "../../../catalog/policies.js";
import type { Table } from "../../../catalog/types.js";
import type { Connection } from "../../types.js";

const COMMANDS: Record<string, Policy["command"] | undefined> = { "*": undefined, r: "select", a: "insert", w: "update", d: "delete" };

// polroles holds 0 for PUBLIC.
const POLICIES_SQL = `
SELECT json_build_object(
  'tables', (SELECT COALESCE(json_agg(json_build_object(
               'oid', c.oid::int8::text, 'enabled', c.relrowsecurity, 'forced', c.relforcerowsecurity,
               'policies', (SELECT COALESCE(json_agg(json_build_object(
                  'name', p.polname, 'cmd', p.polcmd, 'permissive', p.polpermissive,
                  'roles', (SELECT COALESCE(json_agg(a.rolname ORDER BY a.rolname), '[]') FROM pg_catalog.pg_roles a WHERE a.oid = ANY (p.polroles)),
                  'using', pg_catalog.pg_get_expr(p.polqual, p.polrelid),
                  'check', pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid),
                  'comment', d.description) ORDER BY p.polname), '[]')
                   FROM pg_catalog.pg_policy p
                   LEFT JOIN pg_catalog.pg_description d ON d.objoid = p.oid AND d.classoid = 'pg_catalog.pg_policy'::regclass
                  WHERE p.polrelid = c.oid))), '[]')
               FROM unnest($1::oid[]) AS t(oid)
               JOIN pg_catalog.pg_class c ON c.oid = t.oid
              WHERE c.relrowsecurity OR c.relforcerowsecurity OR EXISTS (SELECT 1 FROM pg_catalog.pg_policy p WHERE p.polrelid = c.oid)))::text AS result`;

interface PolicyRow {
  name: string;
  cmd: string;
  permissive: boolean;
  roles: string[];
  using: string | null;
  check: string | null;
  comment: string | null;
}

/** An expression as kept (exact text) and its canonical form. */
export type SpellExpression = (text: string) => { text: string; canonical: string };

/** Sets rowLevelSecurity on the tables of `tablesByOid`; returns their policies, sorted by table and name. */
export async function readPolicies(
  conn: Connection,
  tablesByOid: ReadonlyMap<string, Table>,
  spell: SpellExpression,
): Promise<Policy[]> {
  if (tablesByOid.size === 0) return [];
  const { rows } = await conn.query(POLICIES_SQL, [[...tablesByOid.keys()]]);
  const result = JSON.parse(String(rows[0]!.result)) as { tables: { oid: string; enabled: boolean; forced: boolean; policies: PolicyRow[] }[] };
  const policies: Policy[] = [];
  for (const r of result.tables) {
    const table = tablesByOid.get(String(r.oid));
    if (!table) continue;
    if (r.enabled === true || r.forced === true) {
      table.rowLevelSecurity = { ...(r.enabled === true ? { enabled: true as const } : {}), ...(r.forced === true ? { forced: true as const } : {}) };
    }
    for (const p of r.policies) {
      const policy: Policy = {
        ...(table.schema !== undefined ? { schema: table.schema } : {}),
        table: table.name,
        name: p.name,
        ...(COMMANDS[p.cmd] ? { command: COMMANDS[p.cmd] } : {}),
        ...(p.permissive ? {} : { restrictive: true as const }),
        roles: p.roles,
      };
      for (const [field, raw] of [["using", p.using], ["withCheck", p.check]] as const) {
        if (raw === null) continue;
        const spelled = spell(raw);
        policy[field] = spelled.text;
        setCanonical(policy, field, spelled.canonical);
      }
      if (p.comment !== null) policy.comment = p.comment;
      policies.push(normalizePolicy(policy));
    }
  }
  const key = (p: Policy) => `${p.schema ?? ""}\u0000${p.table}\u0000${p.name}`;
  return policies.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
