// A node's resource quantities for people: byte amounts such as
// "8029876Ki" also in binary units ("7.7 GiB"), beside the exact value
// kubectl prints.

import { quantityValue } from '../main/kube/quantity.ts';

const byteResources = /^(memory|ephemeral-storage|storage|hugepages-.+)$/;
const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

export function bytesText(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value >= 100 || unit === 0 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

/** `memory 8029876Ki (7.7 GiB)`; other resources as they are. */
export function resourceText(resource: string, quantity: string): string {
  if (!byteResources.test(resource)) return `${resource} ${quantity}`;
  try {
    const human = bytesText(quantityValue(quantity));
    return human.replace(/ /, '') === quantity ? `${resource} ${quantity}` : `${resource} ${quantity} (${human})`;
  } catch {
    return `${resource} ${quantity}`;
  }
}
