import { type Account, type DeviceId, type IpEvent, type Person } from '@wissel/domain';
import { child, children, childText } from './xml-tree';
import { booleanOf, compact, countryOf, isIpAddress, textsOf, timestampOf } from './values';

/**
 * Investigation signals: the reported persons (uploaders) with their accounts, associated
 * accounts, IP events, devices and estimated country; the intended recipients (as
 * accounts involved); the victims. The file upload IPs and the peer-to-peer captures join
 * the first reported person. The reporter (the provider's own staff) is not a person here:
 * that contact stays in the raw payload.
 */
export function personsOf(report: unknown, files: unknown[]): Person[] {
  const platform = childText(child(report, 'incidentSummary'), 'platform');
  const uploaders = children(report, 'personOrUserReported').map((node) =>
    personOf(node, 'uploader', platform),
  );
  const p2pEvents = children(report, 'internetDetails')
    .flatMap((details) => children(details, 'peer2peerIncident'))
    .flatMap((p2p) => ipEventsOf(children(p2p, 'ipCaptureEvent')));
  const fileEvents = files.flatMap((file) => ipEventsOf(children(file, 'ipCaptureEvent')));
  const fileDevices = files.flatMap((file) => devicesOf(children(file, 'deviceId')));
  if (p2pEvents.length + fileEvents.length + fileDevices.length > 0) {
    // A file's upload IP belongs to whoever uploaded it: the first reported person.
    const first = uploaders[0] ?? { role: 'uploader' };
    uploaders[0] = compact<Person>({
      ...first,
      ipEvents: uniqueIpEvents([...(first.ipEvents ?? []), ...p2pEvents, ...fileEvents]),
      devices: uniqueDevices([...(first.devices ?? []), ...fileDevices]),
    });
  }
  return [
    ...uploaders,
    ...children(report, 'intendedRecipient').map((node) => personOf(node, 'account', platform)),
    ...children(report, 'victim').map((node) => personOf(node, 'victim', platform)),
  ];
}

/** Profile pages of every person in the report: never removal targets. */
export function profileUrlsOf(report: unknown): string[] {
  const people = ['personOrUserReported', 'intendedRecipient', 'victim'].flatMap((name) =>
    children(report, name),
  );
  return people.flatMap((node) => [
    ...textsOf(children(node, 'profileUrl')),
    ...children(node, 'associatedAccount').flatMap((a) => textsOf(children(a, 'profileUrl'))),
  ]);
}

/** True when any reported person's account is suspended (temporarily or for good). */
export function accountSuspended(report: unknown): boolean | undefined {
  const people = children(report, 'personOrUserReported');
  const flags = people.flatMap((node) => [
    booleanOf(childText(node, 'accountTemporarilyDisabled')),
    booleanOf(childText(node, 'accountPermanentlyDisabled')),
  ]);
  return flags.includes(true) ? true : undefined;
}

function personOf(node: unknown, role: Person['role'], platform: string | undefined): Person {
  const own = accountOf(node, childText(node, 'espService') ?? platform, personElement(node));
  const associated = children(node, 'associatedAccount').map((a) =>
    accountOf(a, childText(a, 'platform') ?? childText(a, 'espService'), a),
  );
  const accounts = [own, ...associated].filter(identifies);
  const ipEvents = [node, ...children(node, 'associatedAccount')].flatMap((n) =>
    ipEventsOf(children(n, 'ipCaptureEvent')),
  );
  const devices = [node, ...children(node, 'associatedAccount')].flatMap((n) =>
    devicesOf(children(n, 'deviceId')),
  );
  return compact<Person>({
    role,
    accounts,
    ipEvents: uniqueIpEvents(ipEvents),
    devices: uniqueDevices(devices),
    estimatedCountry: countryOf(childText(child(node, 'estimatedLocation'), 'countryCode')),
    priorReports: textsOf([
      ...children(node, 'priorCTReports'),
      ...children(node, 'priorCTReport'),
    ]),
  });
}

/** The <person> record inside a reported person, recipient or victim. */
function personElement(node: unknown): unknown {
  return (
    child(node, 'personOrUserReportedPerson') ??
    child(node, 'intendedRecipientPerson') ??
    child(node, 'victimPerson')
  );
}

function accountOf(node: unknown, service: string | undefined, person: unknown): Account {
  return compact<Account>({
    service,
    id: childText(node, 'espIdentifier'),
    screenName: childText(node, 'screenName'),
    displayName: childText(node, 'displayName'),
    email: textsOf(children(person, 'email'))[0],
    profileUrls: textsOf(children(node, 'profileUrl')).slice(0, 20),
  });
}

/** A service name alone identifies nobody. */
function identifies(account: Account): boolean {
  return (
    account.id !== undefined ||
    account.screenName !== undefined ||
    account.email !== undefined ||
    account.displayName !== undefined ||
    account.profileUrls !== undefined
  );
}

/** An event with an unusable IP is dropped; the rest of the report still counts. */
function ipEventsOf(nodes: unknown[]): IpEvent[] {
  return nodes.flatMap((node) => {
    const ip = childText(node, 'ipAddress');
    if (ip === undefined || !isIpAddress(ip)) return [];
    const port = childText(node, 'port');
    return [
      compact<IpEvent>({
        ip,
        event: childText(node, 'eventName'),
        at: timestampOf(childText(node, 'dateTime')),
        possibleProxy: booleanOf(childText(node, 'possibleProxy')),
        port:
          port !== undefined && /^[0-9]{1,5}$/.test(port) && Number(port) <= 65535
            ? Number(port)
            : undefined,
      }),
    ];
  });
}

function devicesOf(nodes: unknown[]): DeviceId[] {
  return nodes.flatMap((node) => {
    const type = childText(node, 'idType');
    const value = childText(node, 'idValue');
    if (type === undefined || value === undefined) return [];
    return [
      compact<DeviceId>({
        type,
        value,
        event: childText(node, 'eventName'),
        at: timestampOf(childText(node, 'dateTime')),
      }),
    ];
  });
}

/** The same capture is often reported on the person and on the file: keep it once. */
function uniqueIpEvents(events: IpEvent[]): IpEvent[] {
  const seen = new Set<string>();
  return events.filter((event) => {
    const key = `${event.ip} ${event.at ?? ''} ${event.port ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function uniqueDevices(devices: DeviceId[]): DeviceId[] {
  const seen = new Set<string>();
  return devices.filter((device) => {
    const key = `${device.type}\u0000${device.value}\u0000${device.at ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
