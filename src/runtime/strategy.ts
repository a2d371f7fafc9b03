/**
 * The lock and transaction strategies of a write session, chosen by what the
 * server reports (Dialect.probeServer) unless the config names them (`lock`,
 * `transactions`). See docs/distributed-postgres.md for the table.
 */
import type { Dialect, LockStrategy, ServerProfile, TransactionStrategy } from "../dialects/types.js";
import { KilnError } from "../errors.js";

export interface Strategies {
  lock: LockStrategy;
  transactions: TransactionStrategy;
  /** False when session state does not last between transactions: settings only with SET LOCAL. */
  sessionState: boolean;
  /** What the server is (absent: the dialect cannot tell). */
  profile?: ServerProfile;
  /** Sentences for the user about choices that are not the dialect's everyday ones. */
  notes: string[];
}

export interface StrategyConfig {
  lock: "auto" | LockStrategy;
  transactions: "auto" | TransactionStrategy;
}

/** The dialect's everyday strategies, for a server it cannot (or need not) probe. */
function defaults(dialect: Dialect): ServerProfile {
  return {
    description: dialect.name,
    flavour: dialect.name,
    sessionState: true,
    lock: { strategy: dialect.lockKind, because: `kiln's ${dialect.name} lock` },
    transactions: { strategy: "per-step", because: "one transaction per step" },
  };
}

/**
 * The strategies for this session (pure): the config's where it names one, else
 * the profile's. Refuses what cannot work: a lock or transaction strategy the
 * dialect does not have, and a session advisory lock where session state does not last.
 */
export function chooseStrategies(dialect: Dialect, config: StrategyConfig, profile: ServerProfile | undefined): Strategies {
  const server = profile ?? defaults(dialect);
  const lockAvailable = (s: LockStrategy) => s === dialect.lockKind || (s === "lease" && dialect.acquireLeaseLock !== undefined);
  const transactionAvailable = (s: TransactionStrategy) => s === "per-step" || (dialect.transactionStrategies ?? []).includes(s);
  const notes: string[] = [];

  let lock: LockStrategy;
  if (config.lock === "auto") {
    lock = lockAvailable(server.lock.strategy) ? server.lock.strategy : dialect.lockKind;
    if (lock !== dialect.lockKind) notes.push(`${server.description}: kiln takes its migration lock as a lease row, since ${server.lock.because} (set \`lock\` in the config to choose)`);
  } else {
    lock = config.lock;
    if (!lockAvailable(lock)) {
      throw new KilnError(
        `\`lock: ${JSON.stringify(lock)}\` is not available on ${dialect.name}: its migration lock is ${JSON.stringify(dialect.lockKind)}` +
          (dialect.acquireLeaseLock ? ' or "lease"' : "") +
          "; remove `lock` from the config or set it to \"auto\" (docs/distributed-postgres.md)",
      );
    }
    if (lock === "advisory" && server.pooler) {
      throw new KilnError(
        `\`lock: "advisory"\` cannot protect this database: ${server.lock.because}. ` +
          `Two kiln runs could both "hold" the session lock and apply the same step twice`,
        {
          details: [
            'set `lock: "lease"` (or "auto", which picks it here), or point kiln at the server directly (`migrationUrl` or KILN_MIGRATION_URL) instead of through the pooler',
            "see docs/distributed-postgres.md",
          ],
        },
      );
    }
  }

  let transactions: TransactionStrategy;
  if (config.transactions === "auto") {
    transactions = transactionAvailable(server.transactions.strategy) ? server.transactions.strategy : "per-step";
    if (transactions !== "per-step") notes.push(`${server.description}: kiln commits each schema change on its own, journaled, and the version write last, since ${server.transactions.because} (set \`transactions\` in the config to choose)`);
  } else {
    transactions = config.transactions;
    if (!transactionAvailable(transactions)) {
      throw new KilnError(
        `\`transactions: ${JSON.stringify(transactions)}\` is not available on ${dialect.name}; remove \`transactions\` from the config or set it to "auto" (docs/distributed-postgres.md)`,
      );
    }
  }
  if (!server.sessionState && lock === "lease") notes.push(`kiln sets its statement limits with SET LOCAL, per transaction, since session settings may not last through this connection`);
  return { lock, transactions, sessionState: server.sessionState, ...(profile ? { profile } : {}), notes };
}
