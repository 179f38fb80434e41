import { operatorEvent } from '../audit/index.ts';
import { checkAppSettings, parseAppSettings } from '../kernel/app-settings.ts';
import { HOST_NAME } from '../kernel/host-name.ts';
import { worstCaseCodeMessage } from '../verification/index.ts';
import type { AccessStore, AppRecord } from './access-store.ts';

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
  appName: string;
  changes: AppChanges;
  now: Date;
}): Promise<AppRecord> {
  const { changes } = input;
  const update: Parameters<AccessStore['updateApp']>[1] = {};
  const errors: string[] = [];
  if (changes.settings !== undefined) {
    const checked = checkAppSettings(changes.settings);
    if (checked.ok) update.settings = changes.settings as Record<string, unknown>;
    else errors.push(...checked.errors);
  }
  if (changes.brand !== undefined) {
    if (changes.brand !== null && (changes.brand.length < 1 || changes.brand.length > 30)) {
      errors.push('brand: must be 1-30 characters');
    } else update.brand = changes.brand;
  }
  if (changes.webOtpDomain !== undefined) {
    if (changes.webOtpDomain !== null && !HOST_NAME.test(changes.webOtpDomain)) {
      errors.push('webOtpDomain: must be a host name like example.com');
    } else update.webOtpDomain = changes.webOtpDomain;
  }
  if (errors.length > 0) throw new InvalidSettingsError(errors);

  const app = await input.store.ensureApp(input.appName);
  // The SMS as it will be once the change is made: it must still fit one segment.
  const after = { ...app, ...update };
  const worst = worstCaseCodeMessage(
    after.brand ?? app.name,
    after.webOtpDomain,
    parseAppSettings(after.settings).sms.androidAppHash,
  );
  if (worst.segments > 1) {
    throw new InvalidSettingsError([
      `a code SMS for this app would take ${worst.segments} segments (${worst.encoding}); use a shorter brand or domain, or GSM-7 characters`,
    ]);
  }
  // The row shows what was in force before next to the change, so a loosened policy or limit
  // reads as such in the trail without replaying earlier rows.
  const previous = Object.fromEntries(
    Object.keys(update).map((field) => [field, app[field as keyof typeof update]]),
  );
  await input.store.updateApp(app.id, update, [
    operatorEvent(app.id, 'app.updated', { changes: update, previous }, input.now),
  ]);
  return after;
}
