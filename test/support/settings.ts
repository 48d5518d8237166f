import { loadSettings, SettingsError } from '../../config/settings.js';

/** The SettingsError these variables are refused with; fails the test when they are accepted. */
export function refusedSettings(env: Record<string, string>): SettingsError {
  try {
    loadSettings(env);
  } catch (e) {
    if (e instanceof SettingsError) return e;
    throw e;
  }
  throw new Error(`loadSettings(${JSON.stringify(env)}) accepted the settings`);
}
