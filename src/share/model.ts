// The shape of a shareable export (`dhai export --share`; schemas/share-export.schema.json validates it) and
// of a comparison of several (`dhai compare`). An export holds aggregate figures only, keyed like report.json's
// sections, and a manifest of what was left out, suppressed or turned from a device count into a share.
import type { SectionId } from '../analyses/types.ts';

export const SHARE_FORMAT = 'dhai-share-export';
export const SHARE_SCHEMA_VERSION = 1;

/**
 * An exported figure: a plain number (a count of events or a parameter), a count of events with its share, or
 * a share of devices whose count is withheld (counts of devices are turned into shares).
 */
export type ShareMetric = number | { count: number; share: number | null } | { share: number | null };

export interface ShareSection {
  status: 'ok' | 'not_available';
  metrics: Record<string, ShareMetric>;
}

export interface ShareFeed {
  name: string;
  kind: string;
  /** ISO 8601 UTC: the feed's own date when known, else when it was fetched or imported */
  date: string;
  date_source: string;
}

export type SuppressReason = 'fewer_than_k_devices' | 'no_device_base' | 'count_exceeds_population';
export type LeaveOutReason = 'not_on_allow_list' | 'site_defined_class' | 'names_the_site' | 'not_a_figure';

export interface Suppressed {
  section: SectionId;
  metric: string;
  reason: SuppressReason;
  /** in words, without the device count itself */
  detail: string;
}

export interface LeftOut {
  section: SectionId;
  /** the metric name, or a pattern standing for names that carry site-defined words (`class_<site class>_requests`) */
  metric: string;
  reason: LeaveOutReason;
  /** how many metrics the entry stands for (more than 1 only for a pattern) */
  count: number;
}

export interface Converted {
  section: SectionId;
  metric: string;
  /** the device population the share is of, in words */
  share_of: string;
}

export interface ShareManifest {
  suppressed: Suppressed[];
  left_out: LeftOut[];
  converted: Converted[];
  /** feed names that were replaced because they named the site */
  renamed_feeds: number;
}

export interface ShareExport {
  format: typeof SHARE_FORMAT;
  schema_version: typeof SHARE_SCHEMA_VERSION;
  dhai_version: string;
  generated_at: string;
  window: { from: string | null; to: string | null };
  /** the k of k-anonymity: a figure resting on fewer hospital devices is suppressed */
  k: number;
  feeds: ShareFeed[];
  /** the rules the export followed, in words (fixed text, the same for every hospital) */
  method: string[];
  sections: Partial<Record<SectionId, ShareSection>>;
  manifest: ShareManifest;
}
