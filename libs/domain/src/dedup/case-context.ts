/** How de-duplication placed a referral, as the decision needs to know it. */
export interface CaseContext {
  caseId: string;
  /** The layer that matched: new material, same URL, same exact hash, PDQ near-duplicate, or a re-upload after removal. */
  layer: 'new' | 'url' | 'media_hash' | 'pdq' | 'reupload';
  /** URL keys this referral brought to the case for the first time. */
  newUrlKeys: string[];
  previousCaseId?: string;
  /** Indexes of the referral's media found on a known-material list. */
  knownMedia: number[];
  /** Indexes of media on no list: possibly new victims. */
  unknownMedia: number[];
}

/**
 * New, unknown material raises the investigative priority: it may show a victim nobody
 * has identified yet. Known material never lowers anything (and never suppresses removal).
 */
export function investigationPriority(
  priority: 'normal' | 'high' | 'urgent',
  context: Pick<CaseContext, 'unknownMedia'>,
): 'normal' | 'high' | 'urgent' {
  if (priority === 'urgent') return 'urgent';
  return context.unknownMedia.length > 0 ? 'high' : priority;
}
