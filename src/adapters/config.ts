/** The config file (conf), kept in PROMPTQUEST_HOME when set, else the platform's config folder. */
import Conf from 'conf';
import { ConfigValues } from '../core/settings.js';
import type { Capability } from '../core/request.js';

export type { Capability };


interface Stored extends ConfigValues {
  /** What response_format each server+model accepted, so the next run starts right. */
  capabilities?: Record<string, Capability>;
}

export function openConfig(env: NodeJS.ProcessEnv = process.env): Conf<Stored> {
  const home = env.PROMPTQUEST_HOME?.trim();
  return new Conf<Stored>({
    projectName: 'promptquest',
    projectSuffix: '',
    ...(home ? { cwd: home } : {}),
    configName: 'config',
    accessPropertiesByDotNotation: false,
    configFileMode: 0o600,
    clearInvalidConfig: false,
  });
}

/** The user-settable values; anything invalid in the file is ignored, not fatal. */
export function readConfigValues(conf: Conf<Stored>): ConfigValues {
  const parsed = ConfigValues.safeParse(
    Object.fromEntries(Object.entries(conf.store).filter(([k]) => k !== 'capabilities')),
  );
  return parsed.success ? parsed.data : {};
}

export interface CapabilityCache {
  get(key: string): Capability | undefined;
  set(key: string, value: Capability): void;
}

export function capabilityCache(conf: Conf<Stored>): CapabilityCache {
  return {
    get: (key) => conf.get('capabilities')?.[key],
    set: (key, value) => conf.set('capabilities', { ...(conf.get('capabilities') ?? {}), [key]: value }),
  };
}
