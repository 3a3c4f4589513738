import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve, dirname } from 'node:path';
import { ConfigError } from '../errors.js';

/** One profile of an OCI config file, DEFAULT's values already merged in. */
export type ConfigProfile = Readonly<Record<string, string>>;

/** Expands a leading ~ the way the OCI CLI does. */
export function expandHome(path: string, home: string | undefined): string {
  if (path === '~' || path.startsWith('~/')) return join(home ?? homedir(), path.slice(1));
  return path;
}

/** The config file oci-log reads: --config-file / OCI_CLI_CONFIG_FILE, else ~/.oci/config. */
export function configFilePath(configFile: string | undefined, home: string | undefined): string {
  return resolve(expandHome(configFile ?? '~/.oci/config', home));
}

/**
 * Parses the INI text of an OCI config file into profiles. Every profile
 * inherits DEFAULT's keys, as the OCI CLI and SDKs do. Lines outside a
 * section, or without `=`, are errors naming the file and line.
 */
export function parseConfigFile(text: string, file: string): Map<string, Record<string, string>> {
  const sections = new Map<string, Record<string, string>>();
  let current: Record<string, string> | undefined;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[([^\]]+)\]$/.exec(line);
    if (header) {
      const name = (header[1] ?? '').trim();
      current = sections.get(name) ?? {};
      sections.set(name, current);
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0 || current === undefined) {
      // The line itself is never shown: it may hold a pass phrase or a pasted key.
      const why = current === undefined ? 'a "key=value" line before any "[PROFILE]"' : 'not "[PROFILE]" or "key=value"';
      throw new ConfigError(`${file}:${i + 1}: ${why} (the line is not shown: it may hold a secret)`);
    }
    current[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return sections;
}

/** Reads one profile from the config file; a missing file or profile is a ConfigError naming it. */
export async function readConfigProfile(file: string, profile: string): Promise<ConfigProfile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'not found' : code === 'EACCES' ? 'not readable (permission denied)' : `unreadable (${code ?? String(err)})`;
    throw new ConfigError(`config file ${file} ${why}; set --config-file or OCI_CLI_CONFIG_FILE, or run 'oci setup config'`, { cause: err });
  }
  const sections = parseConfigFile(text, file);
  const defaults = sections.get('DEFAULT') ?? {};
  const own = sections.get(profile);
  if (own === undefined) {
    const names = [...sections.keys()];
    throw new ConfigError(`profile [${profile}] not found in ${file} (profiles there: ${names.length ? names.join(', ') : 'none'}); set --profile or OCI_CLI_PROFILE`);
  }
  return { ...defaults, ...own };
}

/** A key of a profile that must be present; else a ConfigError naming the file, profile and key. */
export function requireKey(profile: ConfigProfile, key: string, file: string, name: string): string {
  const value = profile[key];
  if (value === undefined || value === '') {
    throw new ConfigError(`${file}: profile [${name}] has no '${key}' entry`);
  }
  return value;
}

/** Resolves a path found inside the config file: ~ expanded, relative to the file's folder. */
export function pathFromConfig(value: string, configFile: string, home: string | undefined): string {
  const expanded = expandHome(value, home);
  return isAbsolute(expanded) ? expanded : resolve(dirname(configFile), expanded);
}
