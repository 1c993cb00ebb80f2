import { HOSTER_MONITOR_COLUMNS, hosterMonitorCsv } from './hoster-monitor-csv';
import { type HosterStats } from './hoster-stats';

const stats: HosterStats = {
  hostingProvider: 'Hoster "NL", B.V.',
  asn: 64500,
  notices: 6,
  removed: 4,
  open: 2,
  endedWithoutRemoval: 0,
  medianHours: 10,
  p90Hours: 50.125,
  windowElapsed: 5,
  removedWithinWindow: 2,
  withinWindowShare: 2 / 3,
  oldestOpenHours: 80,
};

describe('hosterMonitorCsv', () => {
  it('writes the stable header and one quoted, formatted line per provider and ASN', () => {
    expect(hosterMonitorCsv([stats])).toBe(
      'hosting_provider,asn,notices,removed,open,ended_without_removal,median_hours,p90_hours,' +
        'window_elapsed,removed_within_24h,removed_within_24h_share,oldest_open_hours\r\n' +
        '"Hoster ""NL"", B.V.",64500,6,4,2,0,10.00,50.13,5,2,0.6667,80.00\r\n',
    );
  });

  it('leaves unknown values empty and writes only the header for no data', () => {
    const unknown = {
      ...stats,
      hostingProvider: null,
      asn: null,
      medianHours: null,
      p90Hours: null,
      withinWindowShare: null,
      oldestOpenHours: null,
    };
    expect(hosterMonitorCsv([unknown]).split('\r\n')[1]).toBe(',,6,4,2,0,,,5,2,,');
    expect(hosterMonitorCsv([])).toBe(`${HOSTER_MONITOR_COLUMNS.join(',')}\r\n`);
  });

  it('defuses a provider name that would run as a spreadsheet formula', () => {
    const line = hosterMonitorCsv([{ ...stats, hostingProvider: '=cmd|calc' }]).split('\r\n')[1];
    expect(line!.startsWith("'=cmd|calc,")).toBe(true);
  });
});
