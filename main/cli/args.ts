// Flag parsing shared by the subcommands: node's parseArgs, with errors that
// name the flag.

import { parseArgs, type ParseArgsConfig } from 'node:util';
import { defaultDataDir, findDataDir, validClusterName } from '../cluster/dataDir.ts';

export class CliError extends Error {}

export function parseFlags<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new CliError((err as Error).message);
  }
}

export const clusterFlags = {
  name: { type: 'string' },
  'data-dir': { type: 'string' },
} as const;

export const defaultClusterName = 'default';

export function clusterLocation(values: { name?: string; 'data-dir'?: string }): { name: string; dataDir: string } {
  const name = values.name ?? defaultClusterName;
  if (!validClusterName(name)) {
    throw new CliError(`invalid cluster name "${name}": use lower-case letters, digits and '-', at most 40 characters`);
  }
  return { name, dataDir: values['data-dir'] ?? defaultDataDir(name) };
}

/** A cluster that exists already: without --data-dir, where it was last started (findDataDir). */
export function existingClusterLocation(values: { name?: string; 'data-dir'?: string }): { name: string; dataDir: string } {
  const { name } = clusterLocation(values);
  return { name, dataDir: values['data-dir'] ?? findDataDir(name) };
}

export function intFlag(value: string | undefined, flag: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new CliError(`--${flag} must be an integer from ${min} to ${max} (got "${value}")`);
  return n;
}
