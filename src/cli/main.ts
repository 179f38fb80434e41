import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { eq } from 'drizzle-orm';
import type { AccessStore, ApiKeyListing } from '../access/index.ts';
import {
  createApiKey,
  createApiKeyHasher,
  createPostgresAccessStore,
  generateApiKey,
  InvalidAppNameError,
  InvalidScopesError,
  InvalidSettingsError,
  listApiKeys,
  PRINCIPAL_CACHE_MS,
  parseScopes,
  RevocationUnannouncedError,
  redisRevocations,
  revokeApiKey,
  updateApp,
} from '../access/index.ts';
import {
  type AuditEvent,
  auditAppendStatement,
  auditLogSigner,
  type ChainReport,
  checkAuditChain,
  parseVerifierKey,
  pickCheckpointNote,
  verifierKeyString,
  verifyExport,
  verifyProof,
} from '../audit/index.ts';
import { type Config, ConfigError, loadConfig } from '../config/config.ts';
import { resolveSecretKey } from '../config/dev-secret.ts';
import { redactSecrets } from '../config/startup-failure.ts';
import { openConfiguredDatabase } from '../db/connect.ts';
import { assertMigrated, type Database, migrateDatabase } from '../db/database.ts';
import { openRedis } from '../db/redis.ts';
import { grantRuntimeRole } from '../db/runtime-role.ts';
import { apps as appsTable } from '../db/schema.ts';
import { parseAppSettings } from '../kernel/app-settings.ts';
import { systemClock } from '../kernel/clock.ts';
import { deriveKeys } from '../kernel/crypto/derive-keys.ts';
import { createPhoneProtector } from '../kernel/crypto/phone-protector.ts';
import { maskPhone, normalizePhone } from '../kernel/phone.ts';
import {
  createRedisPhoneLocks,
  type NumberLockStatus,
  numberLockStatus,
  unlockNumber,
} from '../limits/index.ts';
import * as retention from '../retention/index.ts';
import { runRetention } from '../retention/index.ts';
import { evidenceSummary, verifyEvidence } from '../signatures/index.ts';
import * as subjects from '../subjects/index.ts';

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

/** Usage and configuration mistakes: the command did nothing and can be retried as written. */
const EXIT_USAGE = 2;
const EXIT_FAILURE = 1;

/** How long `keys revoke` waits for Redis to tell running instances; the revocation is made anyway. */
const REDIS_ANNOUNCE_TIMEOUT_MS = 5_000;
/** How long `numbers` waits for Redis, where the locks are. */
const REDIS_OPEN_TIMEOUT_MS = 10_000;

/** A refusal already explained to the user; runCli turns it into an exit code. */
class CliFailure extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = 'CliFailure';
  }
}

/**
 * The admin command (every subcommand but `serve`). Returns the exit code and never calls
 * process.exit, so tests run it in-process and the launcher decides how to exit.
 */
export async function runCli(
  argv: string[],
  io: CliIo,
  env: Record<string, string | undefined> = process.env,
): Promise<number> {
  // Config is read only when a command needs the database, so `--help` works with any environment.
  function readConfig(): Config {
    try {
      return loadConfig(env);
    } catch (error) {
      if (error instanceof ConfigError) throw new CliFailure(error.message, EXIT_USAGE);
      throw error;
    }
  }

  // `migrate` always migrates; the other commands do as `serve` does (MIGRATE_ON_START), so they
  // also work as the runtime role, which cannot migrate.
  async function withDatabase<T>(
    work: (database: Database) => Promise<T>,
    options: { migrate?: boolean } = {},
  ): Promise<T> {
    const config = readConfig();
    const database = await openConfiguredDatabase(config, { pgliteInMemory: false });
    try {
      await ((options.migrate ?? config.migrateOnStart) ? migrateDatabase : assertMigrated)(
        database,
      );
      return await work(database);
    } finally {
      await database.close();
    }
  }

  // Each change commits with its audit row in the store's own transaction. Key hashes are keyed
  // from SECRET_KEY: the CLI needs the server's (or, outside production, its DATA_DIR).
  const withStore = <T>(work: (store: AccessStore) => Promise<T>) =>
    withDatabase((database) => {
      const hasher = createApiKeyHasher(
        deriveKeys(resolveSecretKey(readConfig()).key).apiKeyHashKey,
      );
      return work(createPostgresAccessStore(database, hasher));
    });

  /** Audit rows the CLI writes, appended in a transaction of their own: no trail, no spool. */
  const commitTo = (database: Database) => async (events: AuditEvent[]) => {
    await database.transaction((tx) => tx.execute(auditAppendStatement(events)), {
      isolationLevel: 'read committed',
    });
  };

  /**
   * A number of an app, as the API sees it: normalised the same way (any spelling, or national with
   * --country) and HMAC'd under the app's key, with the app's lock threshold and the locks in
   * Redis. Without REDIS_URL the locks live in the serving process's memory, out of reach.
   */
  const withNumber = <T>(
    options: { app: string; phone: string; country?: string },
    work: (
      deps: Parameters<typeof unlockNumber>[0],
      number: { appId: string; e164: string; threshold: number },
    ) => Promise<T>,
  ) => {
    const config = readConfig();
    const { redis: redisTarget } = config;
    if (!redisTarget) {
      throw new CliFailure(
        'REDIS_URL is not set: number locks then live in the memory of the serving process (the in-process store), which this command cannot reach. They are forgotten when that process stops (README, Support).',
        EXIT_USAGE,
      );
    }
    const phone = normalizePhone(options.phone, options.country?.toUpperCase());
    if (!phone.ok) {
      throw new CliFailure(
        `--phone is not a number SMS can reach (${phone.reason}); give it in E.164 (+33612345678) or national with --country`,
        EXIT_USAGE,
      );
    }
    return withDatabase(async (database) => {
      const keys = deriveKeys(resolveSecretKey(config).key);
      const store = createPostgresAccessStore(database, createApiKeyHasher(keys.apiKeyHashKey));
      const app = await store.findApp(options.app);
      if (!app) throw new CliFailure(`no app named ${options.app}`, EXIT_FAILURE);
      const redis = await openRedis(redisTarget, REDIS_OPEN_TIMEOUT_MS);
      try {
        const commit = commitTo(database);
        return await work(
          {
            phoneLocks: createRedisPhoneLocks({ redis, keyPrefix: config.redisKeyPrefix }),
            subjects: subjects.wire({
              database,
              clock: systemClock,
              phones: createPhoneProtector(keys),
              keys,
            }).hmacs,
            commit,
            now: Date.now,
          },
          {
            appId: app.id,
            e164: phone.e164,
            threshold: parseAppSettings(app.settings).limits.phoneLockFailures,
          },
        );
      } finally {
        redis.disconnect();
      }
    });
  };

  const program = new Command('tessera')
    .description(
      'Tessera administration: API keys, app settings, locked numbers, database migrations and audit checks',
    )
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.out(text.replace(/\n$/, '')),
      writeErr: (text) => io.err(text.replace(/\n$/, '')),
    })
    .showHelpAfterError();

  program
    .command('migrate')
    .description('apply pending database migrations, as the role that owns the schema')
    .option(
      '--grant-runtime-role <role>',
      'then give the role `serve` runs as its rights: read-only on audit_events (README, Database roles)',
    )
    .action(async (options: { grantRuntimeRole?: string }) => {
      const role = options.grantRuntimeRole;
      const kind = await withDatabase(
        async (database) => {
          if (role !== undefined) await grantRuntimeRole(database, role);
          return database.kind;
        },
        { migrate: true },
      );
      io.out(`migrations applied (${kind})`);
      if (role !== undefined) {
        io.out(
          `runtime role ${role}: may read audit_events and append only through tessera_append_audit`,
        );
      }
    });

  const keys = program.command('keys').description('create, list and revoke API keys');

  keys
    .command('create')
    .description('create an API key for an app (the app is created if missing)')
    .requiredOption('--app <name>', 'the app the key belongs to')
    .requiredOption('--scopes <list>', 'comma-separated scopes: verify, audit:read, admin')
    .option('--label <text>', 'a note to recognise the key by')
    .action(async (options: { app: string; scopes: string; label?: string }) => {
      // Checked before the database is opened: a typo must not even create the app.
      const scopes = parseScopes(
        options.scopes
          .split(',')
          .map((scope) => scope.trim())
          .filter((scope) => scope !== ''),
      );
      const created = await withStore((store) =>
        createApiKey({ store, appName: options.app, scopes, label: options.label ?? null }),
      );
      io.out(`API key ${created.id} for app ${created.appName} (${created.scopes.join(', ')}):`);
      io.out('');
      io.out(`  ${created.key}`);
      io.out('');
      io.out('Store it now: it is kept only as a hash and will not be shown again.');
    });

  keys
    .command('generate')
    .description('print a new key without storing it (for BOOTSTRAP_API_KEY)')
    .action(() => {
      io.out(generateApiKey());
    });

  keys
    .command('list')
    .description('list API keys (hints only; keys are never shown after creation)')
    .option('--app <name>', 'only the keys of this app')
    .action(async (options: { app?: string }) => {
      const listing = await withStore((store) => listApiKeys({ store, appName: options.app }));
      if (listing.length === 0) {
        io.out(options.app === undefined ? 'no API keys' : `no API keys for app ${options.app}`);
        return;
      }
      for (const line of formatKeyTable(listing)) io.out(line);
    });

  keys
    .command('revoke')
    .description('revoke an API key; requests with it are refused from now on')
    .argument('<key-id>', 'the key id (key_...), as shown by `keys list`')
    .action(async (keyId: string) => {
      const revoked = await withStore((store) => revokeApiKey({ store, keyId, now: new Date() }));
      if (!revoked) throw new CliFailure(`no active API key with id ${keyId}`, EXIT_FAILURE);
      io.out(`revoked ${keyId}`);
      // Running instances cache key lookups; with Redis they are told now (README, Administration).
      const config = readConfig();
      if (!config.redis) return;
      try {
        const redis = await openRedis(config.redis, REDIS_ANNOUNCE_TIMEOUT_MS);
        try {
          await redisRevocations(redis, config.redisKeyPrefix).announce(keyId);
        } finally {
          redis.disconnect();
        }
      } catch (error) {
        // The revocation stands (Postgres is the truth); only its announcement is missing.
        const reason = error instanceof RevocationUnannouncedError ? error.cause : error;
        io.err(
          `warning: running instances could not be told through Redis (${(reason as Error).message}); each refuses ${keyId} within ${PRINCIPAL_CACHE_MS / 1000} s`,
        );
      }
    });

  const apps = program
    .command('apps')
    .description("show and change an app's SMS brand and settings");

  apps
    .command('show')
    .description('print an app and its settings as in force (defaults filled in)')
    .requiredOption('--app <name>', 'the app')
    .action(async (options: { app: string }) => {
      const app = await withStore((store) => store.ensureApp(options.app));
      io.out(JSON.stringify({ ...app, settings: parseAppSettings(app.settings) }, null, 2));
    });

  apps
    .command('set')
    .description(
      'change an app (audited as app.updated); --settings replaces the whole settings document',
    )
    .requiredOption('--app <name>', 'the app (created if missing)')
    .option('--brand <text>', 'the brand shown in its SMS (1-30 characters)')
    .option('--webotp-domain <host>', 'the origin for the WebOTP line (@host #code)')
    .option(
      '--settings <json>',
      'e.g. \'{"limits":{"phoneSendHour":3},"allowedCountries":["FR","BE"]}\'',
    )
    .action(
      async (options: {
        app: string;
        brand?: string;
        webotpDomain?: string;
        settings?: string;
      }) => {
        let settings: unknown;
        if (options.settings !== undefined) {
          try {
            settings = JSON.parse(options.settings);
          } catch {
            throw new CliFailure('--settings is not valid JSON', EXIT_USAGE);
          }
        }
        const app = await withStore((store) =>
          updateApp({
            store,
            appName: options.app,
            changes: { brand: options.brand, webOtpDomain: options.webotpDomain, settings },
            now: new Date(),
          }),
        );
        io.out(`updated app ${app.name} (${app.id})`);
      },
    );

  const numbers = program
    .command('numbers')
    .description("a number's failed checks and its lock, for support (README, Support)");

  numbers
    .command('status')
    .description("show a number's failed checks without a success, and whether it is locked")
    .requiredOption('--app <name>', 'the app')
    .requiredOption('--phone <number>', 'E.164 (+33612345678), or national with --country')
    .option('--country <code>', 'ISO 3166 country of a national number (FR)')
    .action(async (options: { app: string; phone: string; country?: string }) => {
      const { masked, status } = await withNumber(options, async (deps, number) => ({
        masked: maskPhone(number.e164),
        status: await numberLockStatus(deps, number),
      }));
      io.out(describeLock(masked, options.app, status));
    });

  numbers
    .command('unlock')
    .description("forget a number's failed checks, unlocking it (audited as phone.unlocked)")
    .requiredOption('--app <name>', 'the app')
    .requiredOption('--phone <number>', 'E.164 (+33612345678), or national with --country')
    .option('--country <code>', 'ISO 3166 country of a national number (FR)')
    .requiredOption('--operator <name>', 'who unlocks it, recorded in the audit row')
    .option('--note <text>', 'why, e.g. a support ticket, recorded in the audit row')
    .action(
      async (options: {
        app: string;
        phone: string;
        country?: string;
        operator: string;
        note?: string;
      }) => {
        const { masked, before } = await withNumber(options, async (deps, number) => ({
          masked: maskPhone(number.e164),
          before: await unlockNumber(deps, {
            ...number,
            operator: options.operator,
            note: options.note ?? null,
          }),
        }));
        if (before.failures === 0) {
          io.out(`${masked} in app ${options.app} has no failed checks: nothing to unlock`);
          return;
        }
        io.out(
          `unlocked ${masked} in app ${options.app}: ${before.failures} failed checks forgotten (${before.locked ? 'it was locked' : 'it was not locked yet'}); recorded as phone.unlocked by ${options.operator}`,
        );
      },
    );

  program
    .command('retention')
    .description('retention of leads and consent proof (README, Retention)')
    .command('run')
    .description(
      'delete now what each app keeps past its retention settings (idempotent; audited as retention.applied)',
    )
    .action(async () => {
      const report = await withDatabase((database) => {
        const commit = commitTo(database);
        return runRetention(
          retention.wire({
            database,
            clock: systemClock,
            audit: { commit, commitOrSpool: commit },
          }),
        );
      });
      if (report.removed.length === 0) io.out('nothing was due');
      for (const entry of report.removed) {
        io.out(
          `app ${entry.appId}: ${entry.removed} ${entry.recordType} removed (last kept from ${entry.before.toISOString()})`,
        );
      }
    });

  // Set by a command whose finding is a failure though it ran as asked (a broken chain).
  let verdict = 0;

  const audit = program
    .command('audit')
    .description("the audit log's signing key, and offline checks of exports and proofs");

  audit
    .command('key')
    .description('print the verifier key that checkpoints are signed with (give it to auditors)')
    .action(() => {
      const config = readConfig();
      const signer = auditLogSigner(config, deriveKeys(resolveSecretKey(config).key));
      io.out(verifierKeyString(signer));
      io.out(
        `key id ${signer.keyId.toString('hex')}, Ed25519 public key ${signer.publicKey.toString('base64')}`,
      );
    });

  /** --key: a verifier key string, or a file holding one. */
  const verifierOf = (key: string) => {
    try {
      return parseVerifierKey(key.includes('+') ? key : readFileSync(key, 'utf8'));
    } catch (error) {
      throw new CliFailure(`--key: ${(error as Error).message}`, EXIT_USAGE);
    }
  };
  const readText = (path: string, what: string) => {
    try {
      return readFileSync(path, 'utf8');
    } catch (error) {
      throw new CliFailure(
        `${what}: cannot read ${path} (${(error as Error).message})`,
        EXIT_USAGE,
      );
    }
  };
  const report = (outcome: ReturnType<typeof verifyExport>) => {
    if (outcome.ok) {
      io.out(`ok: ${outcome.summary}`);
      return;
    }
    const where = [
      outcome.line === undefined ? null : `line ${outcome.line}`,
      outcome.eventId === undefined ? null : `event ${outcome.eventId}`,
    ].filter(Boolean);
    throw new CliFailure(
      `${where.length > 0 ? `${where.join(', ')}: ` : ''}${outcome.problem}`,
      EXIT_FAILURE,
    );
  };

  audit
    .command('verify-export')
    .description(
      "recompute an app's Merkle log from its ndjson export and check it against a signed checkpoint",
    )
    .argument(
      '<file>',
      'the export: one JSON event per line, in order (README, Offline verification)',
    )
    .requiredOption('--key <key>', 'the verifier key (tessera audit key), or a file holding it')
    .requiredOption(
      '--checkpoint <file>',
      'a signed checkpoint: the note, GET /v1/audit/checkpoint saved, or AUDIT_CHECKPOINT_FILE',
    )
    .action((file: string, options: { key: string; checkpoint: string }) => {
      const verifier = verifierOf(options.key);
      const lines = readText(file, 'export').split('\n');
      const first = lines.find((line) => line.trim() !== '');
      let appId: string | null = null;
      try {
        appId = first ? String((JSON.parse(first) as { app_id?: unknown }).app_id) : null;
      } catch {
        // verifyExport names the line.
      }
      let note: string;
      try {
        note = pickCheckpointNote(readText(options.checkpoint, '--checkpoint'), appId);
      } catch (error) {
        throw new CliFailure(`--checkpoint: ${(error as Error).message}`, EXIT_USAGE);
      }
      report(verifyExport(lines, note, verifier));
    });

  audit
    .command('verify-proof')
    .description("check one event's inclusion proof (GET /v1/audit/events/{id}/proof, saved)")
    .argument('<file>', 'the proof document')
    .requiredOption('--key <key>', 'the verifier key (tessera audit key), or a file holding it')
    .option('--checkpoint <file>', "a signed checkpoint of the proof's size kept elsewhere")
    .action((file: string, options: { key: string; checkpoint?: string }) => {
      const verifier = verifierOf(options.key);
      let proof: Parameters<typeof verifyProof>[0];
      try {
        proof = JSON.parse(readText(file, 'proof'));
      } catch (error) {
        if (error instanceof CliFailure) throw error;
        throw new CliFailure(`proof: ${file} is not JSON`, EXIT_USAGE);
      }
      const appId = typeof proof.event?.app_id === 'string' ? proof.event.app_id : null;
      const note = options.checkpoint
        ? pickCheckpointNote(readText(options.checkpoint, '--checkpoint'), appId)
        : null;
      report(verifyProof(proof, verifier, note));
    });

  program
    .command('evidence')
    .description("signatures' evidence files")
    .command('verify')
    .description(
      'check a signature evidence file (GET /v1/signatures/{id}/evidence) offline, and print its summary; exits 1 when anything does not hold',
    )
    .argument('<file>', 'the evidence file (JSON)')
    .requiredOption('--key <key>', 'the verifier key (tessera audit key), or a file holding it')
    .action((file: string, options: { key: string }) => {
      const verifier = verifierOf(options.key);
      const verdict = verifyEvidence(readText(file, 'evidence'), verifier);
      if (!verdict.ok) {
        io.err(`EVIDENCE REJECTED: ${file} (SHA-256 ${verdict.sha256})`);
        for (const problem of verdict.problems) io.err(`  - ${problem}`);
        throw new CliFailure(`${verdict.problems.length} problem(s) found`, EXIT_FAILURE);
      }
      for (const line of evidenceSummary(verdict.document, verdict.sha256)) io.out(line);
    });

  audit
    .command('verify')
    .description(
      'rehash and link the whole chain, in batches (or up to the newest event of --app); exits 1 when broken',
    )
    .option('--app <name>', "count only this app's events, up to its newest one")
    .action(async (options: { app?: string }) => {
      const report = await withDatabase(async (database) => {
        let appId: string | null = null;
        if (options.app !== undefined) {
          const [app] = await database.db
            .select({ id: appsTable.id })
            .from(appsTable)
            .where(eq(appsTable.name, options.app));
          if (!app) throw new CliFailure(`no app named ${options.app}`, EXIT_USAGE);
          appId = app.id;
        }
        return checkAuditChain(database, { appId });
      });
      for (const line of formatChainReport(report, options.app)) io.out(line);
      if (!report.ok) verdict = EXIT_FAILURE;
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
    return verdict;
  } catch (error) {
    // Commander has already printed its own message (or the help) through configureOutput.
    if (error instanceof CommanderError) return error.exitCode;
    if (error instanceof CliFailure) {
      io.err(`error: ${error.message}`);
      return error.exitCode;
    }
    if (
      error instanceof InvalidScopesError ||
      error instanceof InvalidAppNameError ||
      error instanceof InvalidSettingsError
    ) {
      io.err(`error: ${error.message}`);
      return EXIT_USAGE;
    }
    io.err(`error: ${redactSecrets(error instanceof Error ? error.message : String(error), env)}`);
    return EXIT_FAILURE;
  }
}

function describeLock(masked: string, appName: string, status: NumberLockStatus): string {
  if (status.failures === 0) return `${masked} in app ${appName}: no failed checks`;
  const days = ((status.forgottenInMs ?? 0) / 86_400_000).toFixed(1);
  return `${masked} in app ${appName}: ${status.locked ? 'LOCKED' : 'not locked'}, ${status.failures} failed checks without a success (locks at ${status.threshold}); forgotten after ${days} more days without a check`;
}

function formatChainReport(report: ChainReport, app: string | undefined): string[] {
  const whose = app === undefined ? '' : ` of app ${app}`;
  const head = report.head === null ? 'none' : `${report.head} (event ${report.headEventId})`;
  if (report.ok) {
    return [`chain intact: ${report.checked} events${whose} checked`, `head hash: ${head}`];
  }
  const broken = report.broken!;
  return [
    `chain BROKEN at event ${broken.id} (app ${broken.appId}): it does not fit the events before it`,
    `${report.checked} events${whose} checked before it are intact; last intact hash${whose}: ${head}`,
    ...(broken.firstOwnEventAfter === null
      ? []
      : [`first event${whose} after the break: ${broken.firstOwnEventAfter}`]),
  ];
}

function formatKeyTable(listing: ApiKeyListing[]): string[] {
  const header = ['ID', 'APP', 'HINT', 'SCOPES', 'LABEL', 'CREATED', 'REVOKED'];
  const rows = listing.map((key) => [
    key.id,
    key.appName,
    key.hint,
    key.scopes.join(','),
    key.label ?? '-',
    key.createdAt.toISOString(),
    key.revokedAt?.toISOString() ?? '-',
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]?.length ?? 0)),
  );
  return [header, ...rows].map((row) =>
    row
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd(),
  );
}
