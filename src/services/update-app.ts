import { checkAppSettings } from '../domain/app-settings.ts';
import { worstCaseCodeMessage } from '../domain/code-message.ts';
import { operatorEvent } from './audit-events.ts';
import type { AccessStore, AppRecord, AuditWriter } from './ports.ts';

export class InvalidSettingsError extends Error {
  constructor(readonly errors: string[]) {
    super(`invalid settings:\n  ${errors.join('\n  ')}`);
    this.name = 'InvalidSettingsError';
  }
}

export interface AppChanges {
  brand?: string | null;
  webOtpDomain?: string | null;
  /** The whole settings document (limits, allowedCountries, pumping); replaces the stored one. */
  settings?: unknown;
}

/** Changes an app's SMS brand, WebOTP domain or settings, audited as `app.updated`. */
export async function updateApp(input: {
  store: AccessStore;
  audit: AuditWriter;
  appName: string;
  changes: AppChanges;
  now: Date;
}): Promise<AppRecord> {
  const { changes } = input;
  const update: Parameters<AccessStore['updateApp']>[1] = {};
  if (changes.settings !== undefined) {
    const checked = checkAppSettings(changes.settings);
    if (!checked.ok) throw new InvalidSettingsError(checked.errors);
    update.settings = changes.settings as Record<string, unknown>;
  }
  if (changes.brand !== undefined) {
    // The brand goes in every SMS; longer ones could push a code SMS past one segment.
    if (changes.brand !== null && (changes.brand.length < 1 || changes.brand.length > 30)) {
      throw new InvalidSettingsError(['brand: must be 1-30 characters']);
    }
    const worst = worstCaseCodeMessage(changes.brand ?? 'Tessera', changes.webOtpDomain ?? null);
    if (worst.segments > 1) {
      throw new InvalidSettingsError([
        `brand: a code SMS would take ${worst.segments} segments (${worst.encoding}); use a shorter brand or GSM-7 characters`,
      ]);
    }
    update.brand = changes.brand;
  }
  if (changes.webOtpDomain !== undefined) update.webOtpDomain = changes.webOtpDomain;
  const app = await input.store.ensureApp(input.appName);
  await input.store.updateApp(app.id, update);
  await input.audit.append([operatorEvent(app.id, 'app.updated', { changes: update }, input.now)]);
  return { ...app, ...update };
}
