import { findRecipient, type Recipient, type RoutingRules } from './routing-rules';

/**
 * Which police a country's investigation goes to: at home the domestic police; abroad the
 * police partner the rules name for that country, else the international police contact.
 * A partner hotline does not investigate, so a partner-hotline country without a police
 * partner goes to the international contact like any other.
 */
export interface PoliceChoice {
  where: 'home' | 'partner_police' | 'abroad';
  /** Undefined when the directory lacks that recipient: the caller falls back to review. */
  recipient: Recipient | undefined;
}

export function policeFor(country: string, rules: RoutingRules): PoliceChoice {
  const code = country.toUpperCase();
  if (code === rules.home.toUpperCase()) {
    return { where: 'home', recipient: findRecipient(rules, 'domestic_police', code) };
  }
  const partner = findRecipient(rules, 'partner_police', code);
  if (partner) return { where: 'partner_police', recipient: partner };
  return { where: 'abroad', recipient: findRecipient(rules, 'international_police') };
}
