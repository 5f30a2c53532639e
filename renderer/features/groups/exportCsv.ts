/** Builds the CSV of the selected groups with their members, and hands it to the user as a file. */
import type { TFunction } from 'i18next';
import type { Client } from '../../../domain/client';
import { toCsv } from '../../../domain/csv';
import { today } from '../../../domain/dates';
import type { Group } from '../../../domain/group';
import { membershipStatus, type Membership } from '../../../domain/membership';

export function groupsCsv(
  groups: Group[],
  memberships: Membership[],
  clients: Map<string, Client>,
  t: TFunction,
  day = today(),
): string {
  const header = ['group', 'description', 'client', 'email', 'startDate', 'endDate', 'status'].map((k) =>
    t(`csv.${k}`),
  );
  const rows: string[][] = [];
  for (const group of groups) {
    const members = memberships.filter((m) => m.groupId === group.id);
    if (members.length === 0) rows.push([group.name, group.description, '', '', '', '', '']);
    for (const m of members) {
      const client = clients.get(m.clientId);
      rows.push([
        group.name,
        group.description,
        client?.name ?? '',
        client?.email ?? '',
        m.startDate,
        m.endDate ?? '',
        t(`group.status.${membershipStatus(m, day)}`),
      ]);
    }
  }
  return toCsv(header, rows);
}

/**
 * Saves a CSV: through the native save dialog in the desktop app, as a download in a
 * browser. Resolves with where it went (null when the user cancelled the dialog).
 */
export async function saveCsv(fileName: string, text: string): Promise<string | null> {
  // A byte-order mark, so spreadsheet programs read the accents right.
  if (window.cohort) return window.cohort.saveFile(fileName, `\ufeff${text}`);
  downloadText(fileName, text);
  return fileName;
}

export function downloadText(fileName: string, text: string, type = 'text/csv;charset=utf-8') {
  // A byte-order mark, so spreadsheet programs read the accents right.
  const url = URL.createObjectURL(new Blob(['\ufeff', text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
