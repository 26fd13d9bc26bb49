// A CronJob's schedule as Kubernetes reads it (robfig/cron's standard
// parser): five fields, or a descriptor (@yearly, @annually, @monthly,
// @weekly, @daily, @midnight, @hourly, @every <duration>); no TZ= or
// CRON_TZ= prefix (spec.timeZone says that). The times come from
// cron-parser, in spec.timeZone or else this machine's zone, as
// kube-controller-manager uses its own.

import type * as CronParser from 'cron-parser';
import { lazyModule } from '../lazyModule.ts';

const cronParser = lazyModule<typeof CronParser>('cron-parser');
import { checkCronFields } from './cronFields.ts';
import { parseGoDuration } from './goFormat.ts';

const descriptors: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

export interface Schedule {
  /** The first scheduled time strictly after `after` (ms), or undefined when none comes. */
  next(after: number): number | undefined;
}

/** Parses a schedule; throws an Error worded as Kubernetes reports it. */
export function parseSchedule(text: string, timeZone?: string): Schedule {
  const schedule = text.trim();
  if (/^(CRON_)?TZ=/.test(schedule)) throw new Error('cannot use TZ or CRON_TZ in schedule, use timeZone field instead');
  if (schedule.startsWith('@every ')) {
    const every = parseGoDuration(schedule.slice('@every '.length).trim());
    if (!every) throw new Error(`failed to parse duration ${schedule}`);
    // robfig rounds @every to whole seconds, at least one.
    const step = Math.max(1000, Math.floor(every / 1000) * 1000);
    return { next: (after) => Math.floor(after / 1000) * 1000 + step };
  }
  const expression = schedule.startsWith('@') ? descriptors[schedule] : schedule;
  if (!expression) throw new Error(`unrecognized descriptor: ${schedule}`);
  const fields = expression.split(/\s+/).filter(Boolean);
  if (fields.length !== 5) throw new Error(`expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`);
  // Checked once here, so a bad field is reported when the CronJob is written, in robfig's words.
  checkCronFields(fields);
  cronParser().CronExpressionParser.parse(expression, { tz: timeZone });
  return {
    next(after) {
      try {
        return cronParser().CronExpressionParser.parse(expression, { currentDate: new Date(after), tz: timeZone }).next().getTime();
      } catch {
        return undefined;
      }
    },
  };
}

/** Whether `zone` is an IANA time zone this runtime knows. */
export function isKnownTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
