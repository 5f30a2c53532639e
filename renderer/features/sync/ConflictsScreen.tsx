/**
 * "Sync conflicts": every value on this laptop that lost a merge, every edit that gave
 * way to a deletion and every change the server refused, newest first, each with both
 * values, when, and a restore that re-applies the lost value as a new edit.
 */
import { Anchor, Badge, Button, Group as Row, Paper, Stack, Text, Title } from '@mantine/core';
import type { TFunction } from 'i18next';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { ConflictEntry } from '../../data/engine/conflicts';
import { RestoreError } from '../../data/engine/restore';
import { FormAlert } from '../../components/FormAlert';
import { useConflictLog, useRecordNames, useRestoreConflict } from '../../data/conflicts';
import { formatDay, formatTimestamp } from '../../format';

export function ConflictsScreen() {
  const { t } = useTranslation();
  const { entries, markSeen } = useConflictLog();
  const names = useRecordNames(entries);
  // Opening the screen is reading it: the badge clears, also for entries that arrive while open.
  useEffect(() => {
    void markSeen();
  }, [entries.length, markSeen]);

  return (
    <Stack gap="lg" maw={1100}>
      <div>
        <Title order={1} size="h2">
          {t('conflicts.title')}
        </Title>
        <Text c="dimmed" size="sm">
          {t('conflicts.intro')}
        </Text>
      </div>
      {entries.length === 0 ? (
        <Paper withBorder radius="md" p={48}>
          <Stack align="center" gap="xs">
            <Title order={2} size="h4">
              {t('conflicts.empty.title')}
            </Title>
            <Text c="dimmed" ta="center" maw={460}>
              {t('conflicts.empty.body')}
            </Text>
          </Stack>
        </Paper>
      ) : (
        <Stack gap="sm" component="ul" className="plain-list" aria-label={t('conflicts.title')}>
          {entries.map((entry) => (
            <ConflictItem key={entry.id} entry={entry} record={recordName(entry, names, t)} />
          ))}
        </Stack>
      )}
    </Stack>
  );
}

function ConflictItem({ entry, record }: { entry: ConflictEntry; record: string }) {
  const { t, i18n } = useTranslation();
  const restore = useRestoreConflict();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const onRestore = async () => {
    setBusy(true);
    setError(null);
    try {
      await restore(entry);
    } catch (e) {
      setError(
        e instanceof RestoreError ? t('conflicts.restoreGone') : e instanceof Error ? e.message : String(e),
      );
    } finally {
      setBusy(false);
    }
  };
  const what =
    entry.kind === 'field'
      ? t('conflicts.kind.field', { field: fieldLabel(entry.field ?? '', t) })
      : t(`conflicts.kind.${entry.kind}_${entry.collection}`);
  return (
    <Paper
      withBorder
      radius="md"
      p="md"
      component="li"
      data-testid="conflict-entry"
      aria-label={`${record}: ${what}`}
    >
      <Stack gap="xs">
        <Row justify="space-between" align="flex-start" wrap="nowrap">
          <div>
            <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
              {t(`conflicts.collectionTitle.${entry.collection}`)}
            </Text>
            <Anchor component={Link} to={recordPath(entry)} fw={600} c="inherit">
              {record}
            </Anchor>
            <Text size="sm">{what}</Text>
            {entry.reason && (
              <Text size="sm" c="red.8">
                {t('conflicts.reason', { message: entry.reason.message })}
              </Text>
            )}
          </div>
          <Stack gap={4} align="flex-end">
            <Text size="xs" c="dimmed">
              {formatTimestamp(entry.at, i18n.language)}
            </Text>
            <Badge variant="light" color={entry.side === 'local' ? 'orange' : 'gray'}>
              {t(`conflicts.side.${entry.side}`)}
            </Badge>
          </Stack>
        </Row>
        <div className="conflict-values">
          {(['lost', 'kept'] as const).map((which) => (
            <div key={which}>
              <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
                {t(`conflicts.${which}`)}
              </Text>
              <Text size="sm" data-testid={`conflict-${which}`}>
                {describeValue(entry, which, t, i18n.language)}
              </Text>
            </div>
          ))}
        </div>
        <Row justify="flex-end" gap="sm">
          {entry.restoredAt ? (
            <Text size="sm" c="teal.8">
              {t('conflicts.restoredAt', { time: formatTimestamp(entry.restoredAt, i18n.language) })}
            </Text>
          ) : null}
          <Button size="xs" variant="light" onClick={() => void onRestore()} loading={busy}>
            {entry.restoredAt ? t('conflicts.restoreAgain') : t('conflicts.restore')}
          </Button>
        </Row>
        {error && <FormAlert message={error} />}
      </Stack>
    </Paper>
  );
}

/** Where the record lives in the app: a membership shows on its group. */
function recordPath(entry: ConflictEntry): string {
  if (entry.collection === 'clients') return `/clients/${encodeURIComponent(entry.docId)}`;
  const groupId = entry.collection === 'groups' ? entry.docId : (entry.docId.split(':')[0] ?? '');
  return `/groups/${encodeURIComponent(groupId)}`;
}

function recordName(entry: ConflictEntry, names: Map<string, string>, t: TFunction): string {
  const fromDoc = (value: unknown) =>
    value && typeof value === 'object' && 'name' in value
      ? String((value as { name: unknown }).name)
      : undefined;
  if (entry.collection === 'memberships') {
    const [groupId = '', clientId = ''] = entry.docId.split(':');
    return t('conflicts.membership', {
      client: names.get(`clients/${clientId}`) ?? t('conflicts.unknownClient'),
      group: names.get(`groups/${groupId}`) ?? t('conflicts.unknownGroup'),
    });
  }
  return (
    names.get(`${entry.collection}/${entry.docId}`) ??
    fromDoc(entry.kept) ??
    fromDoc(entry.lost) ??
    entry.docId
  );
}

const FIELDS = ['name', 'description', 'email', 'phone', 'birthDate', 'startDate', 'endDate'] as const;
const DATE_FIELDS = new Set(['birthDate', 'startDate', 'endDate']);

function fieldLabel(path: string, t: TFunction): string {
  const [head = '', key] = path.split('.');
  if (head === 'metadata') return t('conflicts.fields.metadata', { key: key ?? '' });
  return (FIELDS as readonly string[]).includes(head) ? t(`conflicts.fields.${head}`) : head;
}

function describeValue(entry: ConflictEntry, which: 'lost' | 'kept', t: TFunction, language: string): string {
  const value = entry[which];
  if (entry.kind === 'field') return formatValue(entry.field ?? '', value, t, language);
  const doc = value as Record<string, unknown> | undefined;
  if (!doc) return t('conflicts.empty.value');
  if (doc._deleted === true) return t('conflicts.deletedState');
  return FIELDS.filter((f) => doc[f] !== undefined && doc[f] !== '')
    .map((f) => `${fieldLabel(f, t)}: ${formatValue(f, doc[f], t, language)}`)
    .join(' · ');
}

function formatValue(field: string, value: unknown, t: TFunction, language: string): string {
  if (value === undefined || value === null || value === '') return t('conflicts.empty.value');
  if (DATE_FIELDS.has(field) && typeof value === 'string') return formatDay(value, language);
  if (typeof value === 'object') {
    return Object.entries(value)
      .map(([k, v]) => `${k}: ${String(v)}`)
      .join(', ');
  }
  return String(value);
}
