// Remote-access and remote-support tools recognised by the names their clients look up. Source: the LOLRMM
// project (github.com/magicsword-io/LOLRMM, yaml/<tool>.yaml `Network.Domains` and
// detections/sigma/<tool>_network_sigma.yml), keeping only names the tool's vendor owns: shared cloud names in
// those lists (blob.core.windows.net, googleapis.com beyond the tool's own host, zoho.com as a whole) would
// match unrelated traffic. A name matches a suffix when it equals it or ends with "." + it.
export interface RemoteAccessTool {
  key: string;
  name: string;
  suffixes: readonly string[];
}

export const REMOTE_ACCESS_TOOLS: readonly RemoteAccessTool[] = [
  { key: 'teamviewer', name: 'TeamViewer', suffixes: ['teamviewer.com'] },
  { key: 'anydesk', name: 'AnyDesk', suffixes: ['anydesk.com'] },
  { key: 'screenconnect', name: 'ConnectWise ScreenConnect (Control)', suffixes: ['screenconnect.com', 'control.connectwise.com'] },
  { key: 'logmein', name: 'LogMeIn', suffixes: ['logmein.com', 'logmein.eu', 'logmeininc.com', 'logmein-gateway.com', 'logmeinrescue.com'] },
  { key: 'gotoassist', name: 'GoTo Assist', suffixes: ['gotoassist.com', 'gotoassist.me', 'gotoassist.at', 'fastsupport.com'] },
  { key: 'splashtop', name: 'Splashtop', suffixes: ['splashtop.com'] },
  { key: 'beyondtrust', name: 'BeyondTrust Remote Support (Bomgar)', suffixes: ['beyondtrustcloud.com', 'bomgarcloud.com'] },
  { key: 'rustdesk', name: 'RustDesk', suffixes: ['rustdesk.com'] },
  { key: 'chrome-remote-desktop', name: 'Chrome Remote Desktop', suffixes: ['remotedesktop.google.com', 'remotedesktop-pa.googleapis.com'] },
  { key: 'zoho-assist', name: 'Zoho Assist', suffixes: ['zohoassist.com', 'assist.zoho.com'] },
  { key: 'atera', name: 'Atera', suffixes: ['atera.com'] },
  { key: 'netsupport', name: 'NetSupport Manager', suffixes: ['netsupportmanager.com', 'geo.netsupportsoftware.com'] },
];

/** Lower case, no trailing dot: how DNS names are compared. */
export function normaliseName(name: string): string {
  const n = name.trim().toLowerCase();
  return n.endsWith('.') ? n.slice(0, -1) : n;
}

export function matchesSuffix(name: string, suffix: string): boolean {
  const n = normaliseName(name);
  return n === suffix || n.endsWith(`.${suffix}`);
}

export function toolOf(name: string): RemoteAccessTool | undefined {
  return REMOTE_ACCESS_TOOLS.find((t) => t.suffixes.some((s) => matchesSuffix(name, s)));
}
